package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** With no RUNTIME_ADDRESS the runtime runs in this process, and readiness checks it over the same gRPC contract. */
class RuntimeReadinessIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Test
    void theInProcessRuntimeIsPartOfReadiness() {
        var response = new Http(port).get("/ready");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode runtime = Http.json(response).get("components").get("runtime");
        assertThat(runtime.get("status").asString()).isEqualTo("UP");
        assertThat(runtime.get("details").get("mode").asString()).isEqualTo("in-process");
        assertThat(runtime.get("details").has("address")).isFalse();
    }
}
