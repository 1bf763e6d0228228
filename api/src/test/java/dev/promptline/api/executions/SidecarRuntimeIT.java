package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.RuntimeSidecar;
import dev.promptline.api.testing.ServiceProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The production shape: the runtime as its own process (the sidecar, {@link RuntimeSidecar}) and the api pointed at
 * it with RUNTIME_ADDRESS.
 */
class SidecarRuntimeIT extends IsolatedDatabase {
    private static final int RUNTIME_PORT = ServiceProcess.freePort();
    private static ServiceProcess sidecar;

    @LocalServerPort
    int port;

    // Before the service starts (Spring starts it after the @BeforeAll methods), so its first readiness is real.
    @BeforeAll
    static void startTheSidecar() {
        sidecar = startSidecar();
    }

    @DynamicPropertySource
    static void runtimeAddress(DynamicPropertyRegistry registry) {
        registry.add("promptline.runtime.address", () -> "localhost:" + RUNTIME_PORT);
    }

    @AfterAll
    static void stopSidecar() {
        sidecar.close();
    }

    @Test
    void readyWhileTheSidecarServesNotWhileItIsGoneAndReadyAgainWhenItIsBack() throws InterruptedException {
        var http = new Http(port);
        assertThat(runtime(http).get("status").asString()).isEqualTo("UP");
        assertThat(runtime(http).get("details").get("mode").asString()).isEqualTo("remote");

        assertThat(sidecar.terminate(Duration.ofSeconds(30)))
                .as("SIGTERM drains and exits 0:%n%s", sidecar.output())
                .isZero();

        var response = http.get("/ready");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(runtime(http).get("status").asString()).isEqualTo("DOWN");

        sidecar = startSidecar();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(http.get("/ready").statusCode()).isEqualTo(200));
    }

    private static JsonNode runtime(Http http) {
        return Http.json(http.get("/ready")).get("components").get("runtime");
    }

    private static ServiceProcess startSidecar() {
        return RuntimeSidecar.start(RUNTIME_PORT, Map.of());
    }
}
