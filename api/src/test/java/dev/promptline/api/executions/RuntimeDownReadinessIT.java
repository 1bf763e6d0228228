package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A remote runtime that does not answer takes the replica out of service (it could not execute a prompt), but the
 * service still starts and stays alive.
 */
class RuntimeDownReadinessIT extends IsolatedDatabase {
    private static final String ADDRESS = "127.0.0.1:" + ServiceProcess.freePort();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void runtimeOnAClosedPort(DynamicPropertyRegistry registry) {
        registry.add("promptline.runtime.address", () -> ADDRESS);
    }

    @Test
    void notReadyAndTheRuntimeIsNamedButAlive() {
        var http = new Http(port);
        var response = http.get("/ready");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        JsonNode components = Http.json(response).get("components");
        JsonNode runtime = components.get("runtime");
        assertThat(runtime.get("status").asString()).isEqualTo("DOWN");
        assertThat(runtime.get("details").get("mode").asString()).isEqualTo("remote");
        assertThat(runtime.get("details").get("address").asString()).isEqualTo(ADDRESS);
        // UNAVAILABLE (connection refused) or, on a busy machine, DEADLINE_EXCEEDED: either way, no answer.
        assertThat(runtime.get("details").get("error").asString()).isNotBlank();
        assertThat(components.get("database").get("status").asString()).isEqualTo("UP");
        assertThat(http.get("/health").statusCode())
                .as("liveness ignores the runtime")
                .isEqualTo(200);
    }
}
