package dev.promptline.api.platform.web;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** Browsers on the configured origins may call the API; others get a problem detail. */
@TestPropertySource(
        properties = "promptline.web.cors-allowed-origins=https://app.example.com, https://admin.example.com")
class CorsIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Test
    void preflightFromAnAllowedOriginIsAnswered() {
        var http = new Http(port);
        var response = http.send(http.request("/api/v1/prompts")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://admin.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization")
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://admin.example.com");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
                .contains("POST");
    }

    @Test
    void anotherOriginIsRefusedWithAProblem() {
        var http = new Http(port);
        var response = http.send(http.request("/api/v1/prompts")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.net")
                .header("Access-Control-Request-Method", "POST")
                .build());

        assertProblem(response, 403, "FORBIDDEN_ORIGIN", "/api/v1/prompts");
        assertThat(Http.json(response).get("detail").asString()).contains("https://evil.example.net");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
