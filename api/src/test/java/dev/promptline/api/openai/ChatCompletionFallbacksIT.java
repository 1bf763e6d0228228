package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's extra fields on {@code /v1/chat/completions} through the official SDK: {@code fallback_models} (registered
 * models' names), {@code first_token_timeout} and {@code idle_timeout}, against the class's fake provider behind the
 * model {@code fake} and a second one behind the model {@code backup}.
 */
class ChatCompletionFallbacksIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();
    private static final FakeProvider BACKUP = FakeProvider.openAi();

    @DynamicPropertySource
    static void quickRetries(DynamicPropertyRegistry registry) {
        registry.add("promptline.runtime.retry-initial-backoff", () -> "1ms");
    }

    @AfterAll
    static void stopProviders() {
        PROVIDER.close();
        BACKUP.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    String backupId;

    @BeforeEach
    void registerBackup() {
        BACKUP.reset(Reply.stream("Backup", " answer").inputTokens(5));
        backupId = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"openai\", \"name\": \"backup\", \"providerModelId\": \"gpt-backup\","
                                + " \"baseUrl\": \"" + BACKUP.baseUrl() + "\", \"credential\": {\"apiKey\": \"sk-b\"}}",
                        owner))
                .get("id")
                .asString();
    }

    @Test
    void aRegisteredModelFailingWith5xxFallsBackToTheNamedModel() {
        PROVIDER.setDefault(Reply.serverError());

        var answer = create(sdk(), call("fake", Map.of("fallback_models", List.of("backup"))));

        assertThat(answer.completion().choices().getFirst().message().content()).hasValue("Backup answer");
        JsonNode record = Http.json(http.get("/api/v1/executions/" + answer.executionId(), owner));
        assertThat(record.get("answeredBy").get("modelId").asString()).isEqualTo(backupId);
        assertThat(attempts(record))
                .containsExactly(
                        "gpt-test provider_unavailable",
                        "gpt-test provider_unavailable",
                        "gpt-test provider_unavailable",
                        "gpt-backup ok");
    }

    @Test
    void aSavedPromptFallsBackAfterARateLimit() {
        PROVIDER.setDefault(Reply.rateLimited(Duration.ZERO));

        var answer = create(
                sdk(),
                call(
                        "prompt:triage",
                        Map.of("prompt_variables", Map.of("ticket", "refund"), "fallback_models", List.of("backup"))));

        assertThat(answer.completion().choices().getFirst().message().content()).hasValue("Backup answer");
        JsonNode record = Http.json(http.get("/api/v1/executions/" + answer.executionId(), owner));
        assertThat(record.get("answeredBy").get("model").asString()).isEqualTo("gpt-backup");
        assertThat(record.get("attempts").asInt()).isEqualTo(4);
    }

    @Test
    void aBadRequestDoesNotFallBack() {
        PROVIDER.setDefault(
                Reply.status(400, "{\"error\": {\"message\": \"bad\", \"type\": \"invalid_request_error\"}}"));
        int backupCalls = BACKUP.requestCount();

        var refused = catchThrowableOfType(
                OpenAIServiceException.class,
                () -> sdk().chat().completions().create(call("fake", Map.of("fallback_models", List.of("backup")))));

        assertThat(refused).isNotNull();
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
        assertThat(latestExecution()).isEqualTo("invalid_request 1");
    }

    @Test
    void aLateFirstTokenFallsBackAndTheStreamCarriesOnlyTheFallbacksText() {
        PROVIDER.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(20)));

        List<ChatCompletionChunk> chunks;
        try (var stream = sdk().chat()
                .completions()
                .createStreaming(
                        call("fake", Map.of("fallback_models", List.of("backup"), "first_token_timeout", 0.4)))) {
            chunks = stream.stream().toList();
        }

        assertThat(chunks.stream()
                        .flatMap(chunk -> chunk.choices().stream())
                        .map(choice -> choice.delta().content().orElse(""))
                        .collect(Collectors.joining()))
                .isEqualTo("Backup answer");
        String executionId = chunks.getFirst().id().substring("chatcmpl-".length());
        JsonNode record = Http.json(http.get("/api/v1/executions/" + executionId, owner));
        assertThat(attempts(record))
                .containsExactly(
                        "gpt-test first_token_timeout",
                        "gpt-test first_token_timeout",
                        "gpt-test first_token_timeout",
                        "gpt-backup ok");
    }

    @Test
    void aStalledStreamEndsAsAnIdleTimeoutWithoutFallingBack() {
        PROVIDER.setDefault(Reply.stream("Category", ":", " billing").tokenInterval(Duration.ofSeconds(5)));
        int backupCalls = BACKUP.requestCount();

        var refused = catchThrowableOfType(
                OpenAIServiceException.class,
                () -> sdk().chat()
                        .completions()
                        .create(call("fake", Map.of("fallback_models", List.of("backup"), "idle_timeout", 0.4))));

        assertThat(refused).isNotNull();
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
        assertThat(latestExecution()).isEqualTo("idle_timeout 1");
    }

    @Test
    void anUnknownFallbackIsA400NamingTheField() {
        var refused = catchThrowableOfType(
                BadRequestException.class,
                () -> sdk().chat().completions().create(call("fake", Map.of("fallback_models", List.of("nope")))));

        assertThat(refused.param()).hasValue("fallback_models");
        assertThat(refused.getMessage()).contains("nope");
        assertThat(executionCount()).isZero();
    }

    private static ChatCompletionCreateParams call(String model, Map<String, Object> extra) {
        var params = ChatCompletionCreateParams.builder().model(model).addUserMessage("Classify: charged twice");
        extra.forEach((name, value) -> params.putAdditionalBodyProperty(name, JsonValue.from(value)));
        return params.build();
    }

    /** The newest execution's error code and attempt count. */
    private String latestExecution() {
        return jdbc.sql("""
                        SELECT error_code || ' ' || attempts FROM executions
                        WHERE organization_id = :organization ORDER BY created_at DESC LIMIT 1
                        """)
                .param("organization", acme.organizationId)
                .query(String.class)
                .single();
    }

    /** The attempt log as "model outcome". */
    private static List<String> attempts(JsonNode record) {
        return StreamSupport.stream(record.get("attemptLog").spliterator(), false)
                .map(attempt -> attempt.get("model").asString() + " "
                        + (attempt.has("error")
                                ? attempt.get("error").get("code").asString()
                                : "ok"))
                .toList();
    }
}
