package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.Tenants;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What operators rely on: JSON access logs with the request id, Prometheus metrics off the public port, OpenAPI. */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    JdbcClient jdbc;

    @Test
    void oneJsonAccessLogLinePerRequestWithTheRequestId(CapturedOutput output) {
        new Http(port)
                .send(new Http(port)
                        .request("/health?token=secret")
                        .header("X-Request-Id", "access-log-1")
                        .GET()
                        .build());

        // The line is written when the request is complete, which can be just after the client has the whole
        // response (a body of known length is sent before the filters return).
        JsonNode line = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> output.getOut()
                                .lines()
                                .filter(text -> text.startsWith("{") && text.contains("\"access-log-1\""))
                                .map(text -> JsonMapper.builder().build().readTree(text))
                                .filter(json -> json.path("log")
                                        .path("logger")
                                        .asString()
                                        .equals("dev.promptline.access"))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(line.get("requestId").asString()).isEqualTo("access-log-1");
        assertThat(line.get("http").get("method").asString()).isEqualTo("GET");
        assertThat(line.get("http").get("path").asString()).isEqualTo("/health");
        assertThat(line.get("http").get("status").asInt()).isEqualTo(200);
        assertThat(line.get("http").get("durationMs").asDouble()).isPositive();
        assertThat(output.getOut()).doesNotContain("token=secret");
    }

    @Test
    void prometheusMetricsOnTheManagementPortOnly() {
        var http = new Http(port);
        http.get("/health");

        var metrics = new Http(managementPort).get("/actuator/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_bucket{")
                .contains("uri=\"/health\"")
                .contains("hikaricp_connections_active{")
                .contains("jvm_memory_used_bytes{");
        // Not served on the API's port: refused without a key like any path that is not public, absent with one.
        assertThat(http.get("/actuator/prometheus").statusCode()).isEqualTo(401);
        String key = new Tenants(jdbc).create("metrics").owner().bearer();
        assertThat(http.get("/actuator/prometheus", key).statusCode()).isEqualTo(404);
    }

    @Test
    void openApiDocumentAndSwaggerUi() {
        var http = new Http(port);
        var document = http.get("/v3/api-docs");

        assertThat(document.statusCode()).isEqualTo(200);
        JsonNode openApi = Http.json(document);
        assertThat(openApi.get("openapi").asString()).startsWith("3.");
        for (String path : new String[] {
            "/api/v1/models",
            "/api/v1/prompts",
            "/api/v1/prompts/{promptId}/versions",
            "/api/v1/users",
            "/api/v1/api-keys"
        }) {
            assertThat(openApi.get("paths").has(path)).as(path).isTrue();
        }
        JsonNode createPrompt = openApi.get("paths").get("/api/v1/prompts").get("post");
        assertThat(createPrompt.get("responses").has("201")).isTrue();
        assertThat(createPrompt.get("responses").get("400").get("content").has("application/problem+json"))
                .isTrue();
        assertThat(createPrompt.get("security").get(0).has("apiKey")).isTrue();
        assertThat(http.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }
}
