package dev.promptline.api.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** A configured Redis that does not answer makes the service not ready, and readiness says it is Redis. */
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

    @Test
    void notReadyAndRedisIsNamed() {
        var response = new Http(port).get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode components = Http.json(response).get("components");
        assertThat(components.get("redis").get("status").asString()).isEqualTo("DOWN");
        assertThat(components.get("redis").get("details").get("error").asString())
                .isNotBlank();
        assertThat(components.get("database").get("status").asString()).isEqualTo("UP");
    }
}
