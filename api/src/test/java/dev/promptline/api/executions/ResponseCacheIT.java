package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.EventStream.Event;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.TestRedis;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The exact response cache over real executions and the local Redis: an answer kept for a request that asks for it
 * is served to the same request as a record of its own, with no provider call and no cost.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ResponseCacheIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void providerOnLoopbackAndRedis(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    @Autowired
    StringRedisTemplate redis;

    String owner;
    String model;
    String prompt;
    String promptName;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing").inputTokens(40));
        model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"m-" + UUID.randomUUID()
                                + "\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \"" + OPENAI.baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"inputPricePerMillion\": 5,"
                                + " \"outputPricePerMillion\": 10}",
                        owner))
                .get("id")
                .asString();
        promptName = "p-" + UUID.randomUUID();
        prompt = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"" + promptName + "\", \"modelId\": \"" + model
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"}}",
                        owner))
                .get("id")
                .asString();
    }

    @Test
    void theSameRequestIsServedTheKeptAnswerAsARecordOfItsOwn() {
        int before = OPENAI.requestCount();

        JsonNode first = execute("refund", "{\"cacheTtl\": \"600s\"}");
        JsonNode second = execute("refund", "{\"cacheTtl\": \"600s\"}");

        assertThat(OPENAI.requestCount() - before)
                .as("one provider call for two executions")
                .isOne();
        assertThat(first.has("cachedFrom")).isFalse();
        assertThat(second.get("id").asString()).isNotEqualTo(first.get("id").asString());
        assertThat(second.get("cachedFrom").asString())
                .isEqualTo(first.get("id").asString());
        assertThat(second.get("status").asString()).isEqualTo("succeeded");
        assertThat(second.get("output").asString()).isEqualTo("Category: billing");
        assertThat(second.get("finishReason").asString()).isEqualTo("stop");
        assertThat(second.get("usage").get("inputTokens").asInt()).isEqualTo(40);
        assertThat(first.get("costUsd").decimalValue()).isPositive();
        assertThat(second.get("costUsd").decimalValue()).isZero();
        JsonNode stored =
                Http.json(http.get("/api/v1/executions/" + second.get("id").asString(), owner));
        assertThat(stored.get("cachedFrom").asString())
                .isEqualTo(first.get("id").asString());
        // Written whole, already finished: what the client was told is what the record says.
        for (String field : List.of(
                "status", "output", "finishReason", "usage", "latencyMs", "createdAt", "startedAt", "finishedAt")) {
            assertThat(stored.get(field)).as(field).isEqualTo(second.get(field));
        }
        assertThat(stored.get("finishedAt").isNull()).isFalse();
        assertThat(stored.get("costUsd").decimalValue()).isZero();
    }

    @Test
    void anythingThatChangesTheAnswerMissesAndARequestThatDoesNotAskIsNeverServed() {
        execute("refund", "{\"cacheTtl\": \"600s\"}");
        int before = OPENAI.requestCount();

        JsonNode otherVariable = execute("invoice", "{\"cacheTtl\": \"600s\"}");
        JsonNode otherParameters =
                execute("refund", "{\"cacheTtl\": \"600s\", \"parameters\": {\"temperature\": 0.5}}");
        JsonNode notAsking = execute("refund", "{}");

        assertThat(OPENAI.requestCount() - before).isEqualTo(3);
        assertThat(List.of(otherVariable, otherParameters, notAsking))
                .allSatisfy(execution -> assertThat(execution.has("cachedFrom")).isFalse());
    }

    @Test
    void aVersionThatOptsInIsCachedForEveryRequestButOneThatTurnsItOff() {
        String cached = Http.json(http.postJson(
                        "/api/v1/prompts/" + prompt + "/versions",
                        "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"},"
                                + " \"modelId\": \"" + model + "\", \"cacheTtl\": \"600s\"}",
                        owner))
                .get("cacheTtl")
                .asString();
        assertThat(cached).isEqualTo("600s");
        JsonNode first = execute("refund", "{}");
        int before = OPENAI.requestCount();

        JsonNode second = execute("refund", "{}");
        JsonNode turnedOff = execute("refund", "{\"cacheTtl\": \"0s\"}");

        assertThat(second.get("cachedFrom").asString())
                .isEqualTo(first.get("id").asString());
        assertThat(turnedOff.has("cachedFrom")).isFalse();
        assertThat(OPENAI.requestCount() - before).isOne();
        var tooLong = http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 2, \"template\": {\"format\": \"text\", \"text\": \"x\"}, \"cacheTtl\": \"2592001s\"}",
                owner);
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
    }

    @Test
    void aFailureIsNotKept() {
        OPENAI.enqueue(Reply.status(400, "{\"error\": {\"message\": \"bad\"}}"));
        int before = OPENAI.requestCount();

        var failed = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"cacheTtl\": \"600s\"}",
                owner);
        JsonNode next = execute("refund", "{\"cacheTtl\": \"600s\"}");

        assertThat(failed.statusCode()).isEqualTo(422);
        assertThat(OPENAI.requestCount() - before).isEqualTo(2);
        assertThat(next.has("cachedFrom")).isFalse();
    }

    @Test
    void anAnswerIsKeptForItsTtlUnderTheServicesKeyPrefix() {
        execute("refund", "{\"cacheTtl\": \"90s\"}");

        Set<String> keys = redis.keys(PREFIX + "responses:v1:" + acme.organizationId + ":*");
        assertThat(keys).hasSize(1);
        Long ttl = redis.getExpire(keys.iterator().next());
        assertThat(ttl).isBetween(1L, 90L);
    }

    @Test
    void aStreamedHitIsOneDeltaAndTheCompletedRecord() {
        String first = execute("refund", "{\"cacheTtl\": \"600s\"}").get("id").asString();
        int before = OPENAI.requestCount();

        List<Event> events;
        try (var stream = EventStream.open(
                http,
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"cacheTtl\": \"600s\", \"stream\": true}",
                owner)) {
            events = stream.rest();
        }

        assertThat(OPENAI.requestCount()).isEqualTo(before);
        assertThat(events).extracting(Event::name).containsExactly("started", "token_delta", "completed");
        assertThat(events.get(1).data().get("text").asString()).isEqualTo("Category: billing");
        assertThat(events.get(2).data().get("cachedFrom").asString()).isEqualTo(first);
    }

    @Test
    void theCompatibleApiTakesLiteLlmsCacheField() {
        String body = "{\"model\": \"prompt:" + promptName
                + "\", \"prompt_variables\": {\"ticket\": \"refund\"}, \"cache\": {\"ttl\": 600}}";
        int before = OPENAI.requestCount();

        var first = http.postJson("/v1/chat/completions", body, owner);
        var second = http.postJson("/v1/chat/completions", body, owner);

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(OPENAI.requestCount() - before).isOne();
        assertThat(Http.json(second)
                        .get("choices")
                        .get(0)
                        .get("message")
                        .get("content")
                        .asString())
                .isEqualTo("Category: billing");
        String secondId =
                second.headers().firstValue("x-promptline-execution-id").orElseThrow();
        JsonNode record = Http.json(http.get("/api/v1/executions/" + secondId, owner));
        assertThat(record.get("cachedFrom").asString())
                .isEqualTo(
                        first.headers().firstValue("x-promptline-execution-id").orElseThrow());
    }

    @Test
    void aTtlOutOfRangeIsRefusedAndRunsNothing() {
        int before = OPENAI.requestCount();

        var tooLong = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"cacheTtl\": \"2592001s\"}",
                owner);
        var zero = http.postJson(
                "/v1/chat/completions",
                "{\"model\": \"prompt:" + promptName
                        + "\", \"prompt_variables\": {\"ticket\": \"refund\"}, \"cache\": {\"ttl\": -1}}",
                owner);

        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(Http.json(tooLong).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/cacheTtl");
        assertThat(zero.statusCode()).as(zero.body()).isEqualTo(400);
        assertThat(Http.json(zero).get("error").get("param").asString()).isEqualTo("cache.ttl");
        assertThat(OPENAI.requestCount()).isEqualTo(before);
    }

    private JsonNode execute(String ticket, String extra) {
        String body = "{\"variables\": {\"ticket\": \"" + ticket + "\"}, " + extra.substring(1);
        if (extra.equals("{}")) {
            body = "{\"variables\": {\"ticket\": \"" + ticket + "\"}}";
        }
        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }
}
