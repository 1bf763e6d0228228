package dev.promptline.api.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.TestRedis;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the OpenAI-compatible API's tests: the service over real HTTP, a fake OpenAI provider behind a registered
 * model {@code fake} (each test class has its own), a saved prompt {@code triage} ("Triage {{ticket}}") on it, and the official openai-java SDK
 * pointed at the service, as a team's code would be.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
abstract class OpenAiApi extends AuthenticatedApi {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void providerOnLoopbackAndRedis(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
        registry.add("promptline.executions.heartbeat", () -> "200ms");
    }

    /** The test class's own fake provider, which it closes after its tests. */
    abstract FakeProvider provider();

    String owner;
    String modelId;
    String promptId;

    @BeforeEach
    void registerModelAndPrompt() {
        owner = acme.owner().bearer();
        provider().setDefault(Reply.stream("Category", ":", " billing").inputTokens(7));
        modelId = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"openai\", \"name\": \"fake\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \""
                                + provider().baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 10}",
                        owner))
                .get("id")
                .asString();
        promptId = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"triage\", \"modelId\": \"" + modelId
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"}}",
                        owner))
                .get("id")
                .asString();
    }

    /** The official SDK with an API key of acme's owner, strict about the answers' shape, without retries. */
    OpenAIClient sdk() {
        return sdk(acme.owner().key());
    }

    OpenAIClient sdk(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    /** A completion and the execution it was recorded as, from the response's header. */
    record Answer(ChatCompletion completion, String executionId, Headers headers) {}

    Answer create(OpenAIClient client, ChatCompletionCreateParams params) {
        try (var response = client.chat().completions().withRawResponse().create(params)) {
            return new Answer(
                    response.parse(),
                    response.headers().values("x-promptline-execution-id").getFirst(),
                    response.headers());
        }
    }

    String executionStatus(String executionId) {
        return Http.json(http.get("/api/v1/executions/" + executionId, owner))
                .get("status")
                .asString();
    }

    int executionCount() {
        return jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :organization")
                .param("organization", acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
