package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.responses.ResponseCreateParams;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/responses} takes the same gateway fields as {@code /v1/chat/completions}, read by the same parser:
 * {@code fallback_models}, {@code first_token_timeout}, {@code idle_timeout} and {@code cache: {ttl}}, through the
 * official SDK's extra body properties.
 */
class ResponsesGatewayIT extends OpenAiApi {
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
    void aFailingModelFallsBackToTheNamedModel() {
        PROVIDER.setDefault(Reply.serverError());

        JsonNode record = record(respond(Map.of("fallback_models", List.of("backup"))));

        assertThat(record.get("status").asString()).isEqualTo("succeeded");
        assertThat(record.get("output").asString()).isEqualTo("Backup answer");
        assertThat(record.get("answeredBy").get("modelId").asString()).isEqualTo(backupId);
    }

    @Test
    void aLateFirstTokenFallsBackAndAStalledStreamIsAnIdleTimeout() {
        PROVIDER.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(20)));
        JsonNode fellBack = record(respond(Map.of("fallback_models", List.of("backup"), "first_token_timeout", 0.4)));

        PROVIDER.setDefault(Reply.stream("Category", ":", " billing").tokenInterval(Duration.ofSeconds(5)));
        var stalled = catchThrowableOfType(
                OpenAIServiceException.class, () -> sdk().responses().create(params(Map.of("idle_timeout", 0.4))));

        assertThat(StreamSupport.stream(fellBack.get("attemptLog").spliterator(), false)
                        .map(attempt -> attempt.has("error")
                                ? attempt.get("error").get("code").asString()
                                : "ok"))
                .containsExactly("first_token_timeout", "first_token_timeout", "first_token_timeout", "ok");
        assertThat(stalled).isNotNull();
        assertThat(jdbc.sql("""
                        SELECT error_code FROM executions
                        WHERE organization_id = :organization ORDER BY created_at DESC LIMIT 1
                        """)
                        .param("organization", acme.organizationId)
                        .query(String.class)
                        .single())
                .isEqualTo("idle_timeout");
    }

    @Test
    void aCachedAnswerIsServedAgainForTheSameRequest() {
        int calls = PROVIDER.requestCount();

        JsonNode first = record(respond(Map.of("cache", Map.of("ttl", 60))));
        JsonNode second = record(respond(Map.of("cache", Map.of("ttl", 60))));

        assertThat(first.has("cachedFrom")).isFalse();
        assertThat(second.get("cachedFrom").asString())
                .isEqualTo(first.get("id").asString());
        assertThat(second.get("output").asString()).isEqualTo("Category: billing");
        assertThat(PROVIDER.requestCount() - calls).isEqualTo(1);
    }

    @Test
    void badGatewayFieldsAreA400NamingTheField() {
        var unknown = catchThrowableOfType(
                BadRequestException.class,
                () -> sdk().responses().create(params(Map.of("fallback_models", List.of("nope")))));
        var badTtl = catchThrowableOfType(
                BadRequestException.class, () -> sdk().responses().create(params(Map.of("cache", Map.of("ttl", -1)))));

        assertThat(unknown.param()).hasValue("fallback_models");
        assertThat(badTtl.param()).hasValue("cache.ttl");
        assertThat(executionCount()).isZero();
    }

    private ResponseCreateParams params(Map<String, Object> extra) {
        var params = ResponseCreateParams.builder().model("fake").input("Classify: charged twice");
        extra.forEach((name, value) -> params.putAdditionalBodyProperty(name, JsonValue.from(value)));
        return params.build();
    }

    /** The execution a response was recorded as. */
    private String respond(Map<String, Object> extra) {
        try (var raw = sdk().responses().withRawResponse().create(params(extra))) {
            return raw.headers().values("x-promptline-execution-id").getFirst();
        }
    }

    private JsonNode record(String executionId) {
        return Http.json(http.get("/api/v1/executions/" + executionId, owner));
    }
}
