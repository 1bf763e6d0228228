package dev.promptline.api.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The probes' own filter chain: the same security headers and request id as every other answer, no key needed, and
 * no other path served by it.
 */
class ProbeSecurityIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Test
    void probesCarryTheSecurityHeadersAndTheRequestId() {
        var http = new Http(port);
        for (String path : SecurityConfiguration.PROBES) {
            var response = http.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertSecurityHeaders(response);
            assertThat(response.headers().firstValue("X-Request-Id")).as(path).isPresent();
        }
    }

    @Test
    void aProbeIgnoresCredentialsItDoesNotNeed() {
        assertThat(new Http(port).get("/health", "pl_no_such_key").statusCode()).isEqualTo(200);
    }

    @Test
    void pathsBesideTheProbesStillNeedAKey() {
        var http = new Http(port);
        for (String path : new String[] {"/health/x", "/healthz", "/ready/", "/readyz", "/api/v1/prompts"}) {
            var response = http.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertSecurityHeaders(response);
        }
    }

    private static void assertSecurityHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValue("no-cache, no-store, max-age=0, must-revalidate");
    }
}
