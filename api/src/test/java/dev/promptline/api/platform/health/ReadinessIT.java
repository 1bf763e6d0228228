package dev.promptline.api.platform.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Liveness and readiness against a real database and a real Redis, and what happens when they go away. */
class ReadinessIT extends IsolatedDatabase {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void connect() {
        http = new Http(port);
    }

    @Test
    void livenessIsUpWithoutAuthentication() {
        var response = http.get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void readyWhenDatabaseIsMigratedAndRedisAnswers() {
        var response = http.get("/ready");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode components = Http.json(response).get("components");
        assertThat(components.get("database").get("status").asString()).isEqualTo("UP");
        assertThat(components
                        .get("database")
                        .get("details")
                        .get("schemaVersion")
                        .asString())
                .isEqualTo(components
                        .get("database")
                        .get("details")
                        .get("expectedVersion")
                        .asString());
        assertThat(components.get("redis").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void notReadyWhileTheDatabaseIsUnreachableAndReadyAgainAfter() {
        TestDatabases.cutOff(database());
        try {
            var response = http.get("/ready");

            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode components = Http.json(response).get("components");
            assertThat(components.get("database").get("status").asString()).isEqualTo("DOWN");
            assertThat(components.get("database").get("details").get("error").asString())
                    .isNotBlank();
            assertThat(components.get("redis").get("status").asString()).isEqualTo("UP");
            assertThat(http.get("/health").statusCode())
                    .as("liveness ignores dependencies")
                    .isEqualTo(200);
        } finally {
            TestDatabases.restore(database());
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(http.get("/ready").statusCode()).isEqualTo(200));
    }

    /**
     * After a long outage the pool's connection creator backs off for seconds between attempts; readiness has a
     * connection of its own, so it says "ready" as soon as the database answers, not when the pool next tries.
     */
    @Test
    void readyAgainWithinASecondOrSoOfTheDatabaseAnswering() {
        TestDatabases.cutOff(database());
        try {
            // Ten seconds of probes (and pool attempts) against a database that refuses connections.
            await().pollInterval(Duration.ofMillis(500))
                    .during(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> http.get("/ready").statusCode() == 503
                            && http.get("/api/v1/organization", "pl_no_such_key")
                                            .statusCode()
                                    >= 400);
        } finally {
            TestDatabases.restore(database());
        }
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(http.get("/ready").statusCode()).isEqualTo(200));
    }
}
