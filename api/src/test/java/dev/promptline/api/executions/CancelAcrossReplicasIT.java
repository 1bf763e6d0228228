package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.api.testing.TestRedis;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Two replicas of the api sharing PostgreSQL and Redis, in one JVM: the test's own service (replica A) runs the
 * execution, and the cancel is sent to replica B, a second application context started from the same main class. It
 * reaches A through Redis pub/sub, the way it would across pods.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=" + CancelAcrossReplicasIT.CREDENTIALS_KEY)
class CancelAcrossReplicasIT extends AuthenticatedApi {
    static final String CREDENTIALS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    private static ConfigurableApplicationContext replicaB;

    @DynamicPropertySource
    static void sharedRedis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    /** Replica B: the same application, configured as A is (command-line arguments outrank application.yaml). */
    @BeforeAll
    static void startReplicaB() {
        replicaB = new SpringApplicationBuilder(ApiApplication.class)
                .main(ApiApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.main.banner-mode=off",
                        "--promptline.database.url=" + TestDatabases.url(database()),
                        "--promptline.database.username=" + TestDatabases.USER,
                        "--promptline.database.password=" + TestDatabases.PASSWORD,
                        "--promptline.redis.url=" + TestRedis.URL,
                        "--promptline.redis.key-prefix=" + PREFIX,
                        "--promptline.models.credentials-key=" + CREDENTIALS_KEY,
                        "--promptline.models.allowed-hosts=127.0.0.1",
                        "--promptline.runtime.allowed-hosts=127.0.0.1");
    }

    @AfterAll
    static void stopReplicaBAndProvider() {
        replicaB.close();
        OPENAI.close();
    }

    @Test
    void aCancelSentToTheReplicaThatDoesNotRunTheExecutionStopsItAndItsProviderCall() {
        String owner = acme.owner().bearer();
        var registry = new Registry(http, owner);
        String path = "/api/v1/prompts/" + registry.prompt(registry.customModel(OPENAI.baseUrl()), "hi") + "/execute";
        var onReplicaB =
                new Http(((WebServerApplicationContext) replicaB).getWebServer().getPort());
        awaitBothReplicasListeningForCancels();
        int request = OPENAI.requestCount();
        OPENAI.enqueue(Reply.stream("a", "b", "c", "d", "e").tokenInterval(Duration.ofSeconds(1)));

        String id;
        List<EventStream.Event> rest;
        try (var stream = EventStream.open(http, path, "{\"stream\": true}", owner)) {
            id = stream.require().data().get("executionId").asString();
            assertThat(stream.require().name()).isEqualTo("token_delta");

            var cancel = onReplicaB.postJson("/api/v1/executions/" + id + "/cancel", "{}", owner);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            rest = stream.rest();
        }

        assertThat(rest.getLast().name()).isEqualTo("failed");
        assertThat(rest.getLast().data().get("code").asString()).isEqualTo("EXECUTION_CANCELLED");
        ExecutionRow row = ExecutionRow.read(jdbc, id);
        assertThat(row.status()).isEqualTo("cancelled");
        assertThat(row.errorMessage()).isEqualTo("Cancelled through the API");
        assertThat(row.runner()).as("run by replica A").endsWith(":" + port);
        assertThat(row.finishedAt()).isNotNull();
        OPENAI.clientClosed(request).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** Subscriptions are made in the background at start-up; a cancel published before them would be lost. */
    private static void awaitBothReplicasListeningForCancels() {
        String channel = PREFIX + "executions:cancel";
        RedisClient client = RedisClient.create(TestRedis.URL);
        try (var connection = client.connect()) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L) >= 2);
        } finally {
            client.shutdown();
        }
    }
}
