package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.EventStream.Event;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.TestRedis;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Streamed executions: the events a client reads, cancelling one, a client that leaves, and idempotent retries. */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ExecutionStreamingIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void providersOnLoopbackAndRedis(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
        registry.add("promptline.executions.heartbeat", () -> "200ms");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    String owner;
    String prompt;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing"));
        String model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"openai\", \"name\": \"fake\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \""
                                + OPENAI.baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 10}",
                        owner))
                .get("id")
                .asString();
        prompt = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"triage\", \"modelId\": \"" + model
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"}}",
                        owner))
                .get("id")
                .asString();
    }

    @Test
    void streamsTheExecutionIdThenTokensThenTheFinishedRecord() {
        // open() also checks the status and the text/event-stream content type.
        List<Event> events;
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}")) {
            events = stream.rest();
        }

        assertThat(events)
                .extracting(Event::name)
                .containsExactly("started", "token_delta", "token_delta", "token_delta", "completed");
        String id = events.getFirst().data().get("executionId").asString();
        assertThat(events.subList(1, 4))
                .extracting(event -> event.data().get("text").asString())
                .containsExactly("Category", ":", " billing");
        JsonNode completed = events.getLast().data();
        assertThat(completed.get("id").asString()).isEqualTo(id);
        assertThat(completed.get("status").asString()).isEqualTo("succeeded");
        assertThat(completed.get("output").asString()).isEqualTo("Category: billing");
        assertThat(completed.get("usage").get("outputTokens").asInt()).isEqualTo(3);
        assertThat(status(id)).isEqualTo("succeeded");
    }

    @Test
    void acceptTextEventStreamAlsoStreams() {
        String id;
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}}")) {
            Event started = stream.require();
            assertThat(started.name()).isEqualTo("started");
            id = started.data().get("executionId").asString();
        }
        // Left mid-stream, the execution may still be calling the provider: it must end before the next test queues
        // its own replies on the same fake provider, or it would take them.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !List.of("pending", "running").contains(status(id)));
    }

    @Test
    void aProviderFailureMidStreamEndsWithAFailedEvent() {
        OPENAI.enqueue(Reply.stream("one", " two", " three")
                .tokenInterval(Duration.ofMillis(30))
                .dropAfter(2));
        Event last;
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}")) {
            last = last(stream);
        }

        assertThat(last.name()).isEqualTo("failed");
        assertThat(last.data().get("code").asString()).isEqualTo("PROVIDER_UNAVAILABLE");
        JsonNode execution = last.data().get("execution");
        assertThat(execution.get("status").asString()).isEqualTo("failed");
        assertThat("one two").startsWith(execution.get("output").asString());
        assertThat(status(execution.get("id").asString())).isEqualTo("failed");
    }

    @Test
    void cancellingARunningExecutionStopsItAndTheProviderCall() {
        int request = OPENAI.requestCount();
        OPENAI.enqueue(Reply.stream("a", "b", "c", "d", "e").tokenInterval(Duration.ofSeconds(1)));
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}")) {
            String id = stream.require().data().get("executionId").asString();
            assertThat(stream.require().name()).isEqualTo("token_delta");

            var cancel = http.postJson("/api/v1/executions/" + id + "/cancel", "{}", owner);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);

            Event last = last(stream);
            assertThat(last.name()).isEqualTo("failed");
            assertThat(last.data().get("code").asString()).isEqualTo("EXECUTION_CANCELLED");
            assertThat(status(id)).isEqualTo("cancelled");
            OPENAI.clientClosed(request).orTimeout(5, TimeUnit.SECONDS).join();
            var again = http.postJson("/api/v1/executions/" + id + "/cancel", "{}", owner);
            assertThat(again.statusCode()).isEqualTo(409);
        }
    }

    @Test
    void aCancelledExecutionKeepsTheTokensStreamedItsAttemptsAndTheirCost() {
        OPENAI.enqueue(
                Reply.unavailable(), Reply.stream("a", "b", "c", "d", "e").tokenInterval(Duration.ofMillis(500)));
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}")) {
            String id = stream.require().data().get("executionId").asString();
            assertThat(stream.require().name()).isEqualTo("token_delta");
            assertThat(stream.require().name()).isEqualTo("token_delta");

            http.postJson("/api/v1/executions/" + id + "/cancel", "{}", owner);
            List<Event> rest = stream.rest();

            int tokens = 2
                    + (int) rest.stream()
                            .filter(event -> event.name().equals("token_delta"))
                            .count();
            assertThat(rest.getLast().name()).isEqualTo("failed");
            JsonNode stored = Http.json(http.get("/api/v1/executions/" + id, owner));
            assertThat(stored.get("status").asString()).isEqualTo("cancelled");
            assertThat(stored.get("usage").get("outputTokens").asInt()).isEqualTo(tokens);
            assertThat(stored.get("attempts").asInt())
                    .as("a 503, then the stream")
                    .isEqualTo(2);
            assertThat(stored.get("costUsd").asDouble()).isCloseTo(tokens * 10 / 1e6, within(1e-12));
        }
    }

    @Test
    void aTimedOutExecutionKeepsTheTokensStreamed() {
        OPENAI.enqueue(
                Reply.stream("a", "b", "c", "d", "e", "f", "g", "h", "i", "j").tokenInterval(Duration.ofMillis(300)));
        List<Event> events;
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true, \"timeout\": \"1.5s\"}")) {
            events = stream.rest();
        }

        int tokens = (int) events.stream()
                .filter(event -> event.name().equals("token_delta"))
                .count();
        assertThat(tokens).isPositive();
        String id = events.getFirst().data().get("executionId").asString();
        JsonNode stored = Http.json(http.get("/api/v1/executions/" + id, owner));
        assertThat(stored.get("status").asString()).isEqualTo("timed_out");
        assertThat(stored.get("usage").get("outputTokens").asInt()).isEqualTo(tokens);
        assertThat(stored.get("attempts").asInt()).isEqualTo(1);
        assertThat(stored.get("costUsd").asDouble()).isCloseTo(tokens * 10 / 1e6, within(1e-12));
    }

    @Test
    void aClientThatLeavesCancelsItsExecution() {
        int request = OPENAI.requestCount();
        OPENAI.enqueue(Reply.stream("a", "b", "c", "d", "e").tokenInterval(Duration.ofSeconds(1)));
        String id;
        try (var stream = open("{\"variables\": {\"ticket\": \"refund\"}, \"stream\": true}")) {
            id = stream.require().data().get("executionId").asString();
        }

        // The heartbeat (200 ms here) finds the closed connection even while no token comes.
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("cancelled"));
        OPENAI.clientClosed(request).orTimeout(5, TimeUnit.SECONDS).join();
        JsonNode stored = Http.json(http.get("/api/v1/executions/" + id, owner));
        assertThat(stored.get("error").get("message").asString()).contains("disconnected");
    }

    @Test
    void aRetriedExecuteWithTheSameIdempotencyKeyReturnsTheFirstExecution() {
        int requests = OPENAI.requestCount();
        String key = UUID.randomUUID().toString();
        String body = "{\"variables\": {\"ticket\": \"refund\"}}";

        var first =
                http.send(executeRequest(body).header("Idempotency-Key", key).build());
        var second =
                http.send(executeRequest(body).header("Idempotency-Key", key).build());
        var different = http.send(executeRequest("{\"variables\": {\"ticket\": \"other\"}}")
                .header("Idempotency-Key", key)
                .build());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(Http.json(second).get("id").asString())
                .isEqualTo(Http.json(first).get("id").asString());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(OPENAI.requestCount() - requests).isEqualTo(1);
        assertThat(different.statusCode()).isEqualTo(422);
        assertThat(Http.json(different).get("code").asString()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    @Test
    void aStreamingRetryWithTheSameIdempotencyKeyReplaysTheExecution() {
        int requests = OPENAI.requestCount();
        String key = UUID.randomUUID().toString();
        String body = "{\"variables\": {\"ticket\": \"refund\"}}";
        List<Event> first;
        try (var stream = open(body, "Idempotency-Key", key)) {
            first = stream.rest();
        }

        List<Event> replayed;
        try (var stream = open(body, "Idempotency-Key", key)) {
            assertThat(stream.header("Idempotent-Replayed")).hasValue("true");
            replayed = stream.rest();
        }

        String id = first.getFirst().data().get("executionId").asString();
        assertThat(replayed).extracting(Event::name).containsExactly("started", "token_delta", "completed");
        assertThat(replayed.getFirst().data().get("executionId").asString()).isEqualTo(id);
        assertThat(replayed.get(1).data().get("text").asString()).isEqualTo("Category: billing");
        // The record as stored; the single read adds the scores given since, which a stream never carries.
        var stored = (ObjectNode) Http.json(http.get("/api/v1/executions/" + id, owner));
        stored.remove("scores");
        assertThat(replayed.getLast().data()).isEqualTo(stored);
        assertThat(OPENAI.requestCount() - requests).isEqualTo(1);
    }

    @Test
    void aRetryOfAFailedExecutionGetsTheSameProblemNotA200() {
        OPENAI.enqueue(Reply.status(400, "{\"error\": {\"message\": \"bad prompt\"}}"));
        String key = UUID.randomUUID().toString();
        String body = "{\"variables\": {\"ticket\": \"refund\"}, \"stream\": false}";

        var first =
                http.send(executeRequest(body).header("Idempotency-Key", key).build());
        var second =
                http.send(executeRequest(body).header("Idempotency-Key", key).build());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(422);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(first.statusCode());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(Http.json(second).get("code").asString()).isEqualTo("PROVIDER_REJECTED");
        assertThat(Http.json(second).get("executionId").asString())
                .isEqualTo(Http.json(first).get("executionId").asString());
    }

    @Test
    void aRetryWhileTheFirstRequestRunsAnswersOnceTheExecutionEnded() {
        OPENAI.enqueue(Reply.stream("a", "b", "c").tokenInterval(Duration.ofMillis(400)));
        String key = UUID.randomUUID().toString();
        String body = "{\"variables\": {\"ticket\": \"refund\"}}";
        try (var stream = open(body, "Idempotency-Key", key)) {
            String id = stream.require().data().get("executionId").asString();

            // The same request, answered as JSON this time.
            var retry = http.send(
                    executeRequest(body).header("Idempotency-Key", key).build());

            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
            assertThat(Http.json(retry).get("id").asString()).isEqualTo(id);
            assertThat(Http.json(retry).get("status").asString()).isEqualTo("succeeded");
            assertThat(Http.json(retry).get("output").asString()).isEqualTo("abc");
        }
    }

    private HttpRequest.Builder executeRequest(String body) {
        return http.request("/api/v1/prompts/" + prompt + "/execute")
                .header("Authorization", owner)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private String status(String id) {
        return Http.json(http.get("/api/v1/executions/" + id, owner))
                .get("status")
                .asString();
    }

    private EventStream open(String body, String... headers) {
        return EventStream.open(http, "/api/v1/prompts/" + prompt + "/execute", body, owner, headers);
    }

    private static Event last(EventStream stream) {
        List<Event> rest = stream.rest();
        assertThat(rest).isNotEmpty();
        return rest.getLast();
    }
}
