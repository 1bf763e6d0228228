package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.EventStream.Event;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.RuntimeSidecar;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * SIGTERM while an execution streams past the grace, with real processes: the api (SHUTDOWN_GRACE_PERIOD 1 s) and the
 * runtime sidecar (RUNTIME_SHUTDOWN_GRACE 1 s), in front of a provider that streams slowly. Either way the client gets
 * a terminal event, and the record ends failed as {@code shutdown}, the true cause, with its output, tokens, attempts
 * and cost so far: not running, not "runtime unavailable", not "the client disconnected", not a cancel.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=" + ShutdownIT.CREDENTIALS_KEY)
class ShutdownIT extends AuthenticatedApi {
    static final String CREDENTIALS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String BODY = "{\"variables\": {\"ticket\": \"refund\"}}";

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n")
                .tokenInterval(Duration.ofMillis(500)));
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    @Test
    void theApiStoppedPastItsGraceEndsTheStreamAndTheRecordAsShutdown() throws Exception {
        int runtimePort = ServiceProcess.freePort();
        try (var sidecar = RuntimeSidecar.start(
                        runtimePort, Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1", "RUNTIME_SHUTDOWN_GRACE", "60s"));
                var api = startApi(runtimePort)) {
            var events = new ArrayList<Event>();
            try (var stream = open(new Http(api.port))) {
                events.add(stream.require());
                events.add(stream.require());

                assertThat(api.terminate(Duration.ofSeconds(60)))
                        .as(api.output())
                        .isZero();
                events.addAll(stream.rest());
            }

            assertEndedAsShutdown(events);
            assertThat(sidecar.isAlive()).isTrue();
        }
    }

    /** The answer is written after the execution ended: the process waits for it before it closes connections. */
    @Test
    void aPlainRequestRunningWhenTheApiStopsPastItsGraceIsAnsweredAsShutdown() throws Exception {
        int runtimePort = ServiceProcess.freePort();
        try (var sidecar = RuntimeSidecar.start(
                        runtimePort, Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1", "RUNTIME_SHUTDOWN_GRACE", "60s"));
                var api = startApi(runtimePort)) {
            var http = new Http(api.port);
            String prompt = prompt(http);
            int before = OPENAI.requestCount();
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(
                    () -> http.postJson("/api/v1/prompts/" + prompt + "/execute", BODY, owner));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> OPENAI.requestCount() > before);

            assertThat(api.terminate(Duration.ofSeconds(60))).as(api.output()).isZero();

            HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            JsonNode problem = Http.json(response);
            assertThat(problem.get("code").asString()).isEqualTo("SERVICE_SHUTTING_DOWN");
            ExecutionRow row =
                    ExecutionRow.read(jdbc, problem.get("executionId").asString());
            assertThat(row.status()).isEqualTo("failed");
            assertThat(row.errorCode()).isEqualTo("shutdown");
        }
    }

    @Test
    void theSidecarStoppedPastItsGraceIsNotACancel() throws Exception {
        int runtimePort = ServiceProcess.freePort();
        try (var sidecar = RuntimeSidecar.start(
                        runtimePort, Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1", "RUNTIME_SHUTDOWN_GRACE", "1s"));
                var api = startApi(runtimePort)) {
            var events = new ArrayList<Event>();
            try (var stream = open(new Http(api.port))) {
                events.add(stream.require());
                events.add(stream.require());

                assertThat(sidecar.terminate(Duration.ofSeconds(60)))
                        .as(sidecar.output())
                        .isZero();
                events.addAll(stream.rest());
            }

            assertEndedAsShutdown(events);
        }
    }

    /** Not a shutdown: the runtime vanished (SIGKILL). Its record still keeps what was streamed and paid for. */
    @Test
    void aSidecarKilledMidStreamLeavesARecordWithItsTokensAndCost() throws Exception {
        int runtimePort = ServiceProcess.freePort();
        try (var sidecar = RuntimeSidecar.start(runtimePort, Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1"));
                var api = startApi(runtimePort)) {
            var events = new ArrayList<Event>();
            try (var stream = open(new Http(api.port))) {
                events.add(stream.require());
                events.add(stream.require());
                events.add(stream.require());

                sidecar.close();
                events.addAll(stream.rest());
            }

            Event last = events.getLast();
            assertThat(last.name()).as("%s", events).isEqualTo("failed");
            assertThat(last.data().get("code").asString()).isEqualTo("RUNTIME_UNAVAILABLE");
            long tokens = events.stream()
                    .filter(event -> event.name().equals("token_delta"))
                    .count();
            ExecutionRow row = ExecutionRow.read(
                    jdbc, events.getFirst().data().get("executionId").asString());
            assertThat(row.status()).isEqualTo("failed");
            assertThat(row.errorCode()).isEqualTo("runtime_unavailable");
            assertThat(row.tokensOutput()).isEqualTo((int) tokens).isGreaterThanOrEqualTo(2);
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(last.data().get("execution").get("costUsd").asDouble()).isEqualTo(tokens * 10 / 1e6);
        }
    }

    private void assertEndedAsShutdown(List<Event> events) {
        assertThat(events.getFirst().name()).isEqualTo("started");
        Event last = events.getLast();
        assertThat(last.name()).as("%s", events).isEqualTo("failed");
        assertThat(last.data().get("code").asString()).isEqualTo("SERVICE_SHUTTING_DOWN");
        assertThat(last.data().get("status").asInt()).isEqualTo(503);
        List<String> tokens = events.stream()
                .filter(event -> event.name().equals("token_delta"))
                .map(event -> event.data().get("text").asString())
                .toList();

        String id = events.getFirst().data().get("executionId").asString();
        ExecutionRow row = ExecutionRow.read(jdbc, id);
        assertThat(row.status()).isEqualTo("failed");
        assertThat(row.errorCode()).isEqualTo("shutdown");
        assertThat(row.output()).isEqualTo(String.join("", tokens));
        assertThat(row.tokensOutput()).isEqualTo(tokens.size());
        assertThat(row.attempts()).isEqualTo(1);
        JsonNode execution = last.data().get("execution");
        assertThat(execution.get("costUsd").asDouble()).isEqualTo(tokens.size() * 10 / 1e6);
    }

    private EventStream open(Http api) {
        return EventStream.open(api, "/api/v1/prompts/" + prompt(api) + "/execute", BODY, owner);
    }

    /** A prompt on its own model, answered slowly by the fake provider. */
    private String prompt(Http api) {
        String model = Http.json(api.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"slow-" + UUID.randomUUID()
                                + "\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \"" + OPENAI.baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 10}",
                        owner))
                .get("id")
                .asString();
        return Http.json(api.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"p-" + UUID.randomUUID() + "\", \"modelId\": \"" + model
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"}}",
                        owner))
                .get("id")
                .asString();
    }

    /** A second api process on this class's database, its runtime the sidecar, with a 1 s grace. */
    private static ServiceProcess startApi(int runtimePort) {
        var environment = new HashMap<String, String>();
        environment.put("DATABASE_URL", TestDatabases.url(database()));
        environment.put("DATABASE_USER", TestDatabases.USER);
        environment.put("DATABASE_PASSWORD", TestDatabases.PASSWORD);
        environment.put("CREDENTIALS_ENCRYPTION_KEY", CREDENTIALS_KEY);
        environment.put("RUNTIME_ADDRESS", "localhost:" + runtimePort);
        environment.put("MODEL_ALLOWED_HOSTS", "127.0.0.1");
        environment.put("SHUTDOWN_GRACE_PERIOD", "1s");
        var api = ServiceProcess.start(
                ServiceProcess.javaCommand(
                        List.of("-XX:TieredStopAtLevel=1"),
                        ServiceProcess.testClasspath(),
                        ApiApplication.class.getName()),
                environment);
        api.awaitReady(Duration.ofSeconds(90));
        return api;
    }
}
