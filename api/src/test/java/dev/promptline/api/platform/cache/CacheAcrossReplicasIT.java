package dev.promptline.api.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TcpProxy;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.api.testing.TestRedis;
import io.lettuce.core.RedisClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two replicas of the api sharing PostgreSQL and Redis, each with its own in-memory cache tier: a change made
 * through the test's own service (replica A) is seen by replica B, a second application context. B keeps its local
 * entries for an hour, so only the eviction published over Redis can explain that it sees the change. A third
 * replica, cut off from Redis, shows the bound when that message cannot arrive: its local TTL.
 */
class CacheAcrossReplicasIT extends AuthenticatedApi {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";
    private static final String EVICTIONS = PREFIX + "cache:evictions";

    private static ConfigurableApplicationContext replicaB;

    private String owner;
    private Http onReplicaB;

    @DynamicPropertySource
    static void sharedRedis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @BeforeAll
    static void startReplicaB() {
        replicaB = replica(
                TestRedis.URL,
                "--promptline.cache.local-ttl.api-keys=1h",
                "--promptline.cache.local-ttl.models=1h",
                "--promptline.cache.local-ttl.prompts=1h");
    }

    @AfterAll
    static void stopReplicaB() {
        replicaB.close();
    }

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        onReplicaB = new Http(port(replicaB));
        awaitSubscribers(2);
    }

    @Test
    void aKeyRevokedThroughOneReplicaStopsWorkingOnTheOther() {
        var member = acme.member("member");
        assertThat(onReplicaB.get("/api/v1/prompts", member.bearer()).statusCode())
                .isEqualTo(200);

        var revoked = http.postJson("/api/v1/api-keys/" + keyOf(member.userId()) + "/revoke", "", owner);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(onReplicaB
                                .get("/api/v1/prompts", member.bearer())
                                .statusCode())
                        .isEqualTo(401));
    }

    @Test
    void aModelDisabledThroughOneReplicaIsNotRunByTheOther() {
        var registry = new Registry(http, owner);
        String model = registry.echoModel();
        String execute = "/api/v1/prompts/" + registry.prompt(model, "hello there") + "/execute";
        var ran = onReplicaB.postJson(execute, "{}", owner);
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);

        var disabled = http.patchJson("/api/v1/models/" + model, "{\"enabled\": false}", owner);
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var refused = onReplicaB.postJson(execute, "{}", owner);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(Http.json(refused).get("code").asString()).isEqualTo("MODEL_DISABLED");
        });
    }

    @Test
    void aLabelMovedThroughOneReplicaSelectsTheNewVersionOnTheOther() {
        var registry = new Registry(http, owner);
        String model = registry.echoModel();
        String prompt = registry.prompt(model, "one");
        var added = http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + model
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"two\"}}",
                owner);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        label(prompt, 1);
        assertThat(executedOnReplicaB(prompt)).isEqualTo("one");

        label(prompt, 2);

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(executedOnReplicaB(prompt)).isEqualTo("two"));
    }

    @Test
    void aReplicaCutOffFromRedisStopsAcceptingARevokedKeyOnceItsLocalEntryExpires() {
        URI redis = URI.create(TestRedis.URL);
        try (var proxy = TcpProxy.to(redis.getHost(), redis.getPort());
                var replicaC = replica(
                        "redis://" + redis.getHost() + ":" + proxy.port(),
                        "--promptline.cache.local-ttl.api-keys=2s")) {
            awaitSubscribers(3);
            var onReplicaC = new Http(port(replicaC));
            var member = acme.member("member");
            assertThat(onReplicaC.get("/api/v1/prompts", member.bearer()).statusCode())
                    .isEqualTo(200);

            proxy.cut();
            var revoked = http.postJson("/api/v1/api-keys/" + keyOf(member.userId()) + "/revoke", "", owner);
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

            // Replica C never hears the eviction; once its entry expires it reads PostgreSQL, Redis being unreachable.
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(onReplicaC
                                    .get("/api/v1/prompts", member.bearer())
                                    .statusCode())
                            .isEqualTo(401));
        }
    }

    private String executedOnReplicaB(String prompt) {
        var response = onReplicaB.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("output").asString();
    }

    private void label(String prompt, int version) {
        var labelled = http.putJson(
                "/api/v1/prompts/" + prompt + "/labels/production", "{\"version\": " + version + "}", owner);
        assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
    }

    private String keyOf(UUID userId) {
        return jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(userId)
                .query(UUID.class)
                .single()
                .toString();
    }

    /** Another replica of the same application (command-line arguments outrank application.yaml). */
    private static ConfigurableApplicationContext replica(String redisUrl, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.main.banner-mode=off",
                "--promptline.database.url=" + TestDatabases.url(database()),
                "--promptline.database.username=" + TestDatabases.USER,
                "--promptline.database.password=" + TestDatabases.PASSWORD,
                "--promptline.redis.url=" + redisUrl,
                "--promptline.redis.key-prefix=" + PREFIX));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(ApiApplication.class)
                .main(ApiApplication.class)
                .run(arguments.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext replica) {
        return ((WebServerApplicationContext) replica).getWebServer().getPort();
    }

    /** Subscriptions are made in the background at start-up; an eviction published before them would be lost. */
    private static void awaitSubscribers(int replicas) {
        RedisClient client = RedisClient.create(TestRedis.URL);
        try (var connection = client.connect()) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> connection.sync().pubsubNumsub(EVICTIONS).getOrDefault(EVICTIONS, 0L) >= replicas);
        } finally {
            client.shutdown();
        }
    }
}
