package dev.promptline.api.executions;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TcpProxy;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.api.testing.TestRedis;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL going away under the service: the api reaches its database through a {@link TcpProxy} that the test cuts
 * and restores. The client always gets an error, the provider is not called for an execution that cannot be recorded,
 * and no record stays unfinished once the database is back.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
@ContextConfiguration(initializers = DatabaseFaultsIT.ThroughTheProxy.class)
class DatabaseFaultsIT extends AuthenticatedApi {
    private static final URI SERVER = URI.create(TestDatabases.SERVER_URL.substring("jdbc:".length()));
    private static final TcpProxy DATABASE = TcpProxy.to(SERVER.getHost(), SERVER.getPort());
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void databaseBehindAProxy(DynamicPropertyRegistry registry) {
        // Reads of keys, prompts and models come from Redis, so an execute gets as far as writing its record.
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.executions.sweep-interval", () -> "200ms");
        registry.add("promptline.executions.sweep-grace", () -> "500ms");
    }

    /**
     * Points the api at the proxy: same database, reached through it. An initializer, because IsolatedDatabase's own
     * dynamic property for the URL would win over one registered here.
     */
    static final class ThroughTheProxy implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "database-through-proxy",
                            Map.of(
                                    "promptline.database.url",
                                    "jdbc:postgresql://127.0.0.1:" + DATABASE.port() + "/" + database())));
        }
    }

    @AfterAll
    static void stopAll() {
        DATABASE.close();
        OPENAI.close();
    }

    String owner;
    Registry registry;
    /** Straight to PostgreSQL, not through the proxy: what is really stored, readable while the api's link is cut. */
    JdbcClient stored;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        registry = new Registry(http, owner);
        stored = JdbcClient.create(
                new DriverManagerDataSource(TestDatabases.url(database()), TestDatabases.USER, TestDatabases.PASSWORD));
    }

    @AfterEach
    void restoreTheDatabase() {
        DATABASE.restore();
    }

    @Test
    void theDatabaseGoingDownMidStreamEndsTheStreamWithAFailedEventAndTheRecordIsClosedOnceItIsBack() {
        String path = executePath();
        OPENAI.enqueue(slowAnswer());

        String id;
        List<EventStream.Event> rest;
        try (var stream = EventStream.open(http, path, "{\"stream\": true, \"timeout\": \"3s\"}", owner)) {
            id = stream.require().data().get("executionId").asString();
            assertThat(stream.require().name()).isEqualTo("token_delta");
            DATABASE.cut();
            rest = stream.rest();
        }

        // The tokens on their way still arrive; the end is an error event, never "completed".
        assertThat(rest).extracting(EventStream.Event::name).doesNotContain("completed");
        JsonNode failed = rest.getLast().data();
        assertThat(rest.getLast().name()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.get("code").asString()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(failed.get("status").asInt()).isEqualTo(503);
        assertThat(failed.get("executionId").asString()).isEqualTo(id);
        assertRecordUnfinishedThenClosedWhenTheDatabaseIsBack(id);
    }

    @Test
    void theDatabaseGoingDownDuringAPlainExecutionIsA503AndTheRecordIsClosedOnceItIsBack() {
        String path = executePath();
        OPENAI.enqueue(slowAnswer());

        var response = CompletableFuture.supplyAsync(() -> http.postJson(path, "{\"timeout\": \"3s\"}", owner));
        await().atMost(Duration.ofSeconds(10)).until(() -> !runningIds().isEmpty());
        String id = runningIds().getFirst().toString();
        DATABASE.cut();

        assertProblem(response.join(), 503, "DATABASE_UNAVAILABLE", path);
        assertRecordUnfinishedThenClosedWhenTheDatabaseIsBack(id);
    }

    @Test
    void withTheDatabaseDownAnExecuteIsA503BeforeTheProviderIsCalledAndItsIdempotencyKeyIsFreed() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "hi");
        String path = "/api/v1/prompts/" + prompt + "/execute";
        // Warms the cache: the key, the prompt and the model are then read from Redis, so an execute gets as far as
        // writing its record (a GET of the prompt below shows it).
        assertThat(http.postJson(path, "{}", owner).statusCode()).isEqualTo(200);
        int providerRequests = OPENAI.requestCount();
        int records = ExecutionRow.count(stored, acme.organizationId);
        String key = UUID.randomUUID().toString();

        DATABASE.cut();
        assertThat(http.get("/api/v1/prompts/" + prompt, owner).statusCode())
                .as("reads are served from the cache")
                .isEqualTo(200);
        var plain = http.send(execute(path, "{}").header("Idempotency-Key", key).build());
        var streamed = http.send(execute(path, "{\"stream\": true}")
                .header("Accept", "text/event-stream")
                .build());

        assertProblem(plain, 503, "DATABASE_UNAVAILABLE", path);
        // Nothing was streamed yet, so a plain problem with its status code.
        assertProblem(streamed, 503, "DATABASE_UNAVAILABLE", path);
        assertThat(OPENAI.requestCount()).as("the provider is not called").isEqualTo(providerRequests);

        DATABASE.restore();
        assertThat(ExecutionRow.count(stored, acme.organizationId)).isEqualTo(records);
        // The pool reconnects on its own, after a back-off that grew during the outage (HikariCP's, up to 5 s, longer
        // than this test's 1 s connection timeout): a client retries once a read through the pool works again.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> http.get("/api/v1/executions", owner).statusCode() == 200);
        var retried =
                http.send(execute(path, "{}").header("Idempotency-Key", key).build());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(OPENAI.requestCount()).isEqualTo(providerRequests + 1);
    }

    @Test
    void withTheDatabaseDownACacheHitIsA503AndNoAnswerGoesOutWithoutItsRecord() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "hi");
        String path = "/api/v1/prompts/" + prompt + "/execute";
        String asksForTheCache = "{\"cacheTtl\": \"600s\"}";
        String source =
                Http.json(http.postJson(path, asksForTheCache, owner)).get("id").asString();
        int providerRequests = OPENAI.requestCount();
        int records = ExecutionRow.count(stored, acme.organizationId);

        DATABASE.cut();
        var plain = http.postJson(path, asksForTheCache, owner);
        var streamed = http.send(execute(path, "{\"cacheTtl\": \"600s\", \"stream\": true}")
                .header("Accept", "text/event-stream")
                .build());

        // The kept answer is there, but a hit is an execution like any other: it is not served unrecorded.
        assertProblem(plain, 503, "DATABASE_UNAVAILABLE", path);
        assertProblem(streamed, 503, "DATABASE_UNAVAILABLE", path);
        DATABASE.restore();
        assertThat(ExecutionRow.count(stored, acme.organizationId)).isEqualTo(records);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> http.get("/api/v1/executions", owner).statusCode() == 200);
        JsonNode served = Http.json(http.postJson(path, asksForTheCache, owner));
        assertThat(served.get("cachedFrom").asString()).isEqualTo(source);
        assertThat(ExecutionRow.read(stored, served.get("id").asString()).status())
                .isEqualTo("succeeded");
        assertThat(OPENAI.requestCount()).as("every hit called nothing").isEqualTo(providerRequests);
    }

    @Test
    void withTheDatabaseDownConcurrentExecutesAreEach503PromptlyAndNoneCallsTheProvider() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "hi");
        String path = "/api/v1/prompts/" + prompt + "/execute";
        assertThat(http.postJson(path, "{}", owner).statusCode()).isEqualTo(200); // warms the cache
        int providerRequests = OPENAI.requestCount();

        DATABASE.cut();
        // Their records are written together (group commit): a batch that cannot get a connection fails each of its
        // writes as the database being down, once, not one connection timeout after another.
        long started = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<HttpResponse<String>>> executes = IntStream.range(0, 12)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> http.postJson(path, "{}", owner), clients))
                    .toList();
            for (var execute : executes) {
                assertProblem(execute.join(), 503, "DATABASE_UNAVAILABLE", path);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("a few pool timeouts (1 s each here), not twelve in a row")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(OPENAI.requestCount()).isEqualTo(providerRequests);
    }

    /**
     * While the database is unreachable the record is as it was before the cut: running, nothing of its outcome
     * written. Once the database is back, the sweep closes it (its deadline has passed): nothing stays running.
     */
    private void assertRecordUnfinishedThenClosedWhenTheDatabaseIsBack(String id) {
        ExecutionRow during = ExecutionRow.read(stored, id);
        assertThat(during.status()).isEqualTo("running");
        assertThat(during.output()).isNull();
        assertThat(during.tokensOutput()).isNull();
        assertThat(during.finishedAt()).isNull();

        DATABASE.restore();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> ExecutionRow.read(stored, id).isTerminal());
        ExecutionRow after = ExecutionRow.read(stored, id);
        assertThat(after.status()).isEqualTo("failed");
        assertThat(after.errorCode()).isEqualTo("abandoned");
        assertThat(after.output()).isNull();
        assertThat(after.finishedAt()).isNotNull();
    }

    /**
     * Completes about a second after its first token, well before the 3 s deadline even with the finish waiting 1 s
     * for a connection: time enough to cut the database while it runs.
     */
    private static Reply slowAnswer() {
        return Reply.stream("a", "b", "c").tokenInterval(Duration.ofMillis(500));
    }

    private String executePath() {
        return "/api/v1/prompts/" + registry.prompt(registry.customModel(OPENAI.baseUrl()), "hi") + "/execute";
    }

    private HttpRequest.Builder execute(String path, String json) {
        return http.request(path)
                .header("Authorization", owner)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private List<UUID> runningIds() {
        return stored.sql("SELECT id FROM executions WHERE organization_id = :organization AND status = 'running'")
                .param("organization", acme.organizationId)
                .query(UUID.class)
                .list();
    }
}
