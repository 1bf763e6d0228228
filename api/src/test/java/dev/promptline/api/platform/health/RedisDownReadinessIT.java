package dev.promptline.api.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.Tenants;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** A configured Redis that does not answer degrades the service (no cache) without taking it out of service. */
class RedisDownReadinessIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redisOnAClosedPort(DynamicPropertyRegistry registry) throws IOException {
        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        registry.add("promptline.redis.url", () -> "redis://127.0.0.1:" + closed);
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void readsAndWritesStillWorkFromPostgres() {
        var http = new Http(port);
        String owner = new Tenants(jdbc).create("acme").owner().bearer();

        var created = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"p\", \"template\": {\"format\": \"text\", \"text\": \"{{x}}\"}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = Http.json(created).get("id").asString();
        assertThat(http.get("/api/v1/prompts/" + id, owner).statusCode()).isEqualTo(200);
        http.postJson(
                "/api/v1/prompts/" + id + "/versions",
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"v2 {{x}}\"}}",
                owner);
        assertThat(Http.json(http.get("/api/v1/prompts/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void readyButDegradedAndRedisIsNamed() {
        var response = new Http(port).get("/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).get("status").asString()).isEqualTo("DEGRADED");
        JsonNode components = Http.json(response).get("components");
        assertThat(components.get("redis").get("status").asString()).isEqualTo("DEGRADED");
        assertThat(components.get("redis").get("details").get("error").asString())
                .isNotBlank();
        assertThat(components.get("database").get("status").asString()).isEqualTo("UP");
    }
}
