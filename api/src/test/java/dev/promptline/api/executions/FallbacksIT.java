package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Fallback models and attempt timeouts through the REST execute, against two fake OpenAI servers on loopback: the
 * prompt's model ({@code primary}) and the model it falls back to ({@code backup}). Each provider runs the runtime's
 * own retries (three attempts) before a fallback.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class FallbacksIT extends AuthenticatedApi {
    private static final FakeProvider PRIMARY = FakeProvider.openAi();
    private static final FakeProvider BACKUP = FakeProvider.openAi();

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.retry-initial-backoff", () -> "1ms");
        registry.add("promptline.executions.heartbeat", () -> "200ms");
    }

    @AfterAll
    static void stopProviders() {
        PRIMARY.close();
        BACKUP.close();
    }

    String owner;
    String primary;
    String backup;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        primary = model(PRIMARY, "gpt-primary");
        backup = model(BACKUP, "gpt-backup");
        BACKUP.reset(Reply.stream("Category", ":", " billing").inputTokens(10));
    }

    @Test
    void aModelFailingWith5xxFallsBackToTheVersionsFallbackAndTheRecordShowsEveryAttempt() {
        PRIMARY.setDefault(Reply.serverError());
        String prompt = prompt(List.of(backup));
        int primaryCalls = PRIMARY.requestCount();

        JsonNode execution = execute(prompt, "{\"variables\": {\"ticket\": \"refund\"}}");

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(execution.get("output").asString()).isEqualTo("Category: billing");
        assertThat(execution.get("modelId").asString()).isEqualTo(primary);
        assertThat(execution.get("answeredBy").get("modelId").asString()).isEqualTo(backup);
        assertThat(execution.get("answeredBy").get("model").asString()).isEqualTo("gpt-backup");
        assertThat(execution.get("attempts").asInt()).isEqualTo(4);
        assertThat(attempts(execution))
                .containsExactly(
                        "1 gpt-primary provider_unavailable",
                        "2 gpt-primary provider_unavailable",
                        "3 gpt-primary provider_unavailable",
                        "4 gpt-backup ok");
        assertThat(PRIMARY.requestCount() - primaryCalls).isEqualTo(3);
        JsonNode stored = read(execution);
        assertThat(stored.get("answeredBy").get("modelId").asString()).isEqualTo(backup);
        assertThat(attempts(stored)).isEqualTo(attempts(execution));
    }

    @Test
    void aRateLimitedModelFallsBackToTheRequestsFallbacks() {
        PRIMARY.setDefault(Reply.rateLimited(Duration.ZERO));
        String prompt = prompt(List.of());

        JsonNode execution = execute(
                prompt, "{\"variables\": {\"ticket\": \"refund\"}, \"fallbackModelIds\": [\"" + backup + "\"]}");

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(execution.get("answeredBy").get("modelId").asString()).isEqualTo(backup);
        assertThat(attempts(execution))
                .containsExactly(
                        "1 gpt-primary rate_limited",
                        "2 gpt-primary rate_limited",
                        "3 gpt-primary rate_limited",
                        "4 gpt-backup ok");
    }

    @Test
    void aBadRequestDoesNotFallBack() {
        PRIMARY.setDefault(
                Reply.status(400, "{\"error\": {\"message\": \"bad\", \"type\": \"invalid_request_error\"}}"));
        String prompt = prompt(List.of(backup));
        int backupCalls = BACKUP.requestCount();

        var response = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"refund\"}}", owner));

        JsonNode execution = read(response.get("executionId").asString());
        assertThat(execution.get("status").asString()).isEqualTo("failed");
        assertThat(execution.get("error").get("code").asString()).isEqualTo("invalid_request");
        assertThat(execution.has("answeredBy") && !execution.get("answeredBy").isNull())
                .isFalse();
        assertThat(attempts(execution)).containsExactly("1 gpt-primary invalid_request");
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
    }

    @Test
    void aRequestCanTurnTheVersionsFallbacksOff() {
        PRIMARY.setDefault(Reply.serverError());
        String prompt = prompt(List.of(backup));
        int backupCalls = BACKUP.requestCount();

        var response = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"fallbackModelIds\": []}",
                owner));

        assertThat(read(response.get("executionId").asString())
                        .get("error")
                        .get("code")
                        .asString())
                .isEqualTo("provider_unavailable");
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
    }

    @Test
    void aLateFirstTokenFallsBackAndIsRecordedAsItsOwnCause() {
        PRIMARY.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(20)));
        String prompt = prompt(List.of(backup));

        JsonNode execution = execute(
                prompt,
                "{\"variables\": {\"ticket\": \"refund\"}, \"firstTokenTimeout\": \"0.5s\", \"timeout\": \"30s\"}");

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(execution.get("answeredBy").get("modelId").asString()).isEqualTo(backup);
        assertThat(attempts(execution))
                .containsExactly(
                        "1 gpt-primary first_token_timeout",
                        "2 gpt-primary first_token_timeout",
                        "3 gpt-primary first_token_timeout",
                        "4 gpt-backup ok");
    }

    @Test
    void aFirstTokenTimeoutWithNoFallbackLeftIsTheExecutionsCause() {
        PRIMARY.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(20)));
        String prompt = prompt(List.of());

        var response = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"firstTokenTimeout\": \"0.3s\"}",
                owner));

        JsonNode execution = read(response.get("executionId").asString());
        assertThat(execution.get("status").asString()).isEqualTo("timed_out");
        assertThat(execution.get("error").get("code").asString()).isEqualTo("first_token_timeout");
    }

    @Test
    void aModelsOwnFirstTokenTimeoutAppliesAndARequestsOwnOverridesIt() {
        PRIMARY.setDefault(Reply.stream("slow", " answer").firstTokenAfter(Duration.ofMillis(1500)));
        primary = model(PRIMARY, "gpt-primary", ", \"timeouts\": {\"firstToken\": \"0.3s\"}");
        String prompt = prompt(List.of());

        var bounded = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"refund\"}}", owner));
        JsonNode patient = execute(prompt, "{\"variables\": {\"ticket\": \"refund\"}, \"firstTokenTimeout\": \"10s\"}");

        assertThat(read(bounded.get("executionId").asString())
                        .get("error")
                        .get("code")
                        .asString())
                .isEqualTo("first_token_timeout");
        assertThat(patient.get("status").asString()).isEqualTo("succeeded");
        assertThat(patient.get("output").asString()).isEqualTo("slow answer");
        assertThat(Http.json(http.get("/api/v1/models/" + primary, owner))
                        .get("timeouts")
                        .get("firstToken")
                        .asString())
                .isEqualTo("0.3s");
    }

    @Test
    void aModelsOwnIdleTimeoutIsRecordedAsItsOwnCause() {
        PRIMARY.setDefault(Reply.stream("Category", ":", " billing").tokenInterval(Duration.ofSeconds(5)));
        primary = model(PRIMARY, "gpt-primary", ", \"timeouts\": {\"idle\": \"0.4s\"}");
        String prompt = prompt(List.of());

        var response = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"refund\"}}", owner));

        JsonNode execution = read(response.get("executionId").asString());
        assertThat(execution.get("status").asString()).isEqualTo("timed_out");
        assertThat(execution.get("error").get("code").asString()).isEqualTo("idle_timeout");
        assertThat(response.get("code").asString()).isEqualTo("EXECUTION_TIMED_OUT");
    }

    @Test
    void aStreamThatStallsBetweenTokensEndsAsAnIdleTimeoutWithoutFallingBack() {
        PRIMARY.setDefault(Reply.stream("Category", ":", " billing").tokenInterval(Duration.ofSeconds(5)));
        String prompt = prompt(List.of(backup));
        int backupCalls = BACKUP.requestCount();

        var response = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"idleTimeout\": \"0.5s\"}",
                owner));

        JsonNode execution = read(response.get("executionId").asString());
        assertThat(execution.get("status").asString()).isEqualTo("timed_out");
        assertThat(execution.get("error").get("code").asString()).isEqualTo("idle_timeout");
        assertThat(execution.get("output").asString()).isNotEmpty();
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
    }

    @Test
    void aStreamedExecutionFallsBackBeforeItsFirstToken() {
        PRIMARY.setDefault(Reply.serverError());
        String prompt = prompt(List.of(backup));

        List<EventStream.Event> events;
        try (var stream = EventStream.open(
                http, "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"x\"}}", owner)) {
            events = stream.rest();
        }

        assertThat(events.stream()
                        .filter(event -> event.name().equals("token_delta"))
                        .map(event -> event.data().get("text").asString()))
                .containsExactly("Category", ":", " billing");
        EventStream.Event last = events.getLast();
        assertThat(last.name()).isEqualTo("completed");
        assertThat(last.data().get("answeredBy").get("modelId").asString()).isEqualTo(backup);
    }

    @Test
    void aStreamedExecutionDoesNotFallBackOnceATokenReachedTheClient() {
        PRIMARY.setDefault(Reply.stream("Category", ":", " billing").dropAfter(1));
        String prompt = prompt(List.of(backup));
        int backupCalls = BACKUP.requestCount();

        List<EventStream.Event> events;
        try (var stream = EventStream.open(
                http, "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"x\"}}", owner)) {
            events = stream.rest();
        }

        assertThat(events.stream().filter(event -> event.name().equals("token_delta")))
                .hasSize(1);
        EventStream.Event last = events.getLast();
        assertThat(last.name()).isEqualTo("failed");
        assertThat(last.data().get("execution").get("error").get("code").asString())
                .isEqualTo("provider_unavailable");
        assertThat(attempts(last.data().get("execution"))).containsExactly("1 gpt-primary provider_unavailable");
        assertThat(BACKUP.requestCount()).isEqualTo(backupCalls);
    }

    @Test
    void aFallbackThatIsNotAModelOfTheOrganizationIsRefused() {
        String prompt = prompt(List.of());

        var response = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"x\"}, \"fallbackModelIds\": [\"" + UUID.randomUUID() + "\"]}",
                owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("#/fallbackModelIds/0");
    }

    private JsonNode execute(String prompt, String body) {
        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    private JsonNode read(JsonNode execution) {
        return read(execution.get("id").asString());
    }

    private JsonNode read(String id) {
        return Http.json(http.get("/api/v1/executions/" + id, owner));
    }

    /** The attempt log as "number model outcome". */
    private static List<String> attempts(JsonNode execution) {
        JsonNode log = execution.get("attemptLog");
        assertThat(log).as("attemptLog of %s", execution).isNotNull();
        return StreamSupport.stream(log.spliterator(), false)
                .map(attempt -> attempt.get("attempt").asInt() + " "
                        + attempt.get("model").asString() + " "
                        + (attempt.has("error")
                                ? attempt.get("error").get("code").asString()
                                : "ok"))
                .toList();
    }

    private String model(FakeProvider provider, String providerModelId) {
        return model(provider, providerModelId, "");
    }

    private String model(FakeProvider provider, String providerModelId, String extra) {
        var created = http.postJson(
                "/api/v1/models",
                "{\"provider\": \"custom\", \"name\": \"" + providerModelId + "-" + UUID.randomUUID()
                        + "\", \"providerModelId\": \"" + providerModelId + "\", \"baseUrl\": \"" + provider.baseUrl()
                        + "\", \"credential\": {\"apiKey\": \"sk-test\"}" + extra + "}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private String prompt(List<String> fallbacks) {
        String ids =
                String.join(", ", fallbacks.stream().map(id -> "\"" + id + "\"").toList());
        var created = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"p-" + UUID.randomUUID() + "\", \"modelId\": \"" + primary + "\", \"fallbackModelIds\": ["
                        + ids + "], \"template\": {\"format\": \"text\", \"text\": \"Triage: {{ticket}}\"}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }
}
