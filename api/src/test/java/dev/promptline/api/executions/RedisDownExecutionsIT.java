package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Redis configured but not answering (REDIS_URL on a closed port): Redis is never the source of truth, so executions
 * still run and are recorded; only what lives in Redis alone (remembered Idempotency-Keys, cross-replica cancels) is
 * lost while it is down.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class RedisDownExecutionsIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";
    private static final String REDIS_ON_A_CLOSED_PORT = "redis://127.0.0.1:" + ServiceProcess.freePort();

    @DynamicPropertySource
    static void redisOnAClosedPort(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> REDIS_ON_A_CLOSED_PORT);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    String owner;
    String path;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing"));
        var registry = new Registry(http, owner);
        path = "/api/v1/prompts/" + registry.prompt(registry.customModel(OPENAI.baseUrl()), "Triage {{ticket}}")
                + "/execute";
    }

    @Test
    void aPlainExecutionSucceedsAndIsRecorded() {
        var response = http.postJson(path, "{\"variables\": {\"ticket\": \"refund\"}}", owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertRecordedAsSucceeded(Http.json(response).get("id").asString());
    }

    @Test
    void aStreamedExecutionSucceedsAndIsRecorded() {
        List<EventStream.Event> events;
        try (var stream =
                EventStream.open(http, path, "{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}", owner)) {
            events = stream.rest();
        }

        assertThat(events)
                .extracting(EventStream.Event::name)
                .containsExactly("started", "token_delta", "token_delta", "token_delta", "completed");
        JsonNode completed = events.getLast().data();
        assertThat(completed.get("status").asString()).isEqualTo("succeeded");
        assertRecordedAsSucceeded(completed.get("id").asString());
    }

    @Test
    void anIdempotencyKeyIsNotRememberedSoARetryRunsAgainAndIsRecordedAgain() {
        int requests = OPENAI.requestCount();
        String key = UUID.randomUUID().toString();

        var first = executeWithKey(key);
        var retry = executeWithKey(key);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        String firstId = Http.json(first).get("id").asString();
        String retryId = Http.json(retry).get("id").asString();
        assertThat(retryId).isNotEqualTo(firstId);
        assertThat(OPENAI.requestCount() - requests).isEqualTo(2);
        assertRecordedAsSucceeded(firstId);
        assertRecordedAsSucceeded(retryId);
    }

    @Test
    void anExecutionThatAsksForTheCacheRunsEveryTimeAndIsRecorded() {
        int requests = OPENAI.requestCount();
        String body = "{\"variables\": {\"ticket\": \"refund\"}, \"cacheTtl\": \"600s\"}";

        var first = http.postJson(path, body, owner);
        var second = http.postJson(path, body, owner);

        // Nothing can be kept or served: the cache's outage costs a provider call, not an answer.
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(Http.json(second).has("cachedFrom")).isFalse();
        assertThat(OPENAI.requestCount() - requests).isEqualTo(2);
        assertRecordedAsSucceeded(Http.json(first).get("id").asString());
        assertRecordedAsSucceeded(Http.json(second).get("id").asString());
    }

    private HttpResponse<String> executeWithKey(String key) {
        return http.send(http.request(path)
                .header("Authorization", owner)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"variables\": {\"ticket\": \"refund\"}}"))
                .build());
    }

    private void assertRecordedAsSucceeded(String id) {
        ExecutionRow row = ExecutionRow.read(jdbc, id);
        assertThat(row.status()).isEqualTo("succeeded");
        assertThat(row.output()).isEqualTo("Category: billing");
        assertThat(row.tokensOutput()).isEqualTo(3);
        assertThat(row.finishedAt()).isNotNull();
    }
}
