package dev.promptline.api.platform.security;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Denied by default: these paths, and only these, answer without a key. Every other handler the service maps, today's
 * and any added later, is called here without a key and must refuse it, so a new endpoint cannot be public by
 * accident. The console under {@code /console} refuses as a browser expects: a page redirects to its sign-in page and
 * a state-changing request without the console's CSRF token is 403; its sign-in page and static assets are its only
 * public paths.
 */
@Import(PublicPathsIT.NewEndpoint.class)
class PublicPathsIT extends IsolatedDatabase {
    private static final Set<String> PUBLIC = Set.of(
            "/health",
            "/ready",
            "/v3/api-docs",
            "/v3/api-docs.yaml",
            "/v3/api-docs/swagger-config",
            "/v3/api-docs/{group}",
            "/v3/api-docs.yaml/{group}",
            "/swagger-ui.html",
            "/error",
            "/console/sign-in");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping handlers;

    @Test
    void everyMappedHandlerButThePublicOnesNeedsAKey() {
        var http = new Http(port);
        Set<String> checked = new TreeSet<>();
        Set<String> publicSeen = new TreeSet<>();
        for (RequestMappingInfo mapping : handlers.getHandlerMethods().keySet()) {
            for (String pattern : mapping.getPatternValues()) {
                if (PUBLIC.contains(pattern)) {
                    publicSeen.add(pattern);
                    continue;
                }
                for (String method : methodsOf(mapping)) {
                    String path = pattern.replaceAll("\\{[^}]+}", "00000000-0000-4000-8000-000000000000");
                    var response = http.send(http.request(path)
                            .header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                            .build());
                    if (path.startsWith("/v1/")) {
                        // The OpenAI-compatible API refuses in OpenAI's error shape (OpenAiErrorsIT).
                        assertThat(response.statusCode())
                                .as(method + " " + path)
                                .isEqualTo(401);
                        assertThat(response.body()).contains("\"authentication_error\"");
                    } else if (path.equals("/console") || path.startsWith("/console/")) {
                        assertConsoleRefusal(method, path, response);
                    } else {
                        assertProblem(response, 401, "UNAUTHENTICATED", path);
                    }
                    checked.add(method + " " + pattern);
                }
            }
        }

        assertThat(checked)
                .as("the handlers refused without a key")
                .contains(
                        "GET /api/v1/organization",
                        "GET /api/v1/executions",
                        "GET /reports/new",
                        "POST /api/v1/users",
                        "POST /api/v1/api-keys/{apiKeyId}/revoke",
                        "POST /v1/chat/completions",
                        "GET /console/prompts",
                        "GET /console/prompts/{promptId}",
                        "POST /console/prompts/{promptId}/labels/move");
        assertThat(publicSeen).contains("/error", "/v3/api-docs", "/console/sign-in");
    }

    private static void assertConsoleRefusal(String method, String path, HttpResponse<String> response) {
        if (method.equals("GET")) {
            assertThat(response.statusCode()).as(method + " " + path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location"))
                    .as(method + " " + path)
                    .hasValueSatisfying(location -> assertThat(location).endsWith("/console/sign-in"));
        } else {
            assertThat(response.statusCode()).as(method + " " + path).isEqualTo(403);
            assertThat(response.body()).as(method + " " + path).contains("security token");
        }
    }

    @Test
    void thePublicPathsAnswerWithoutAKey() {
        var http = new Http(port);
        for (String path :
                List.of("/health", "/ready", "/v3/api-docs", "/v3/api-docs.yaml", "/swagger-ui/index.html")) {
            assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(http.get("/swagger-ui.html").statusCode()).isIn(200, 302);
        for (String path : List.of(
                "/console/sign-in",
                "/console/assets/console.css",
                "/console/assets/vendor/htmx.org/dist/htmx.min.js",
                "/console/assets/vendor/htmx-ext-sse/sse.js")) {
            assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    /** An endpoint someone adds outside /api without thinking of security: it must not be public. */
    @RestController
    static class NewEndpoint {
        @GetMapping("/reports/new")
        String report() {
            return "secret";
        }
    }

    private static List<String> methodsOf(RequestMappingInfo mapping) {
        Set<RequestMethod> methods = mapping.getMethodsCondition().getMethods();
        List<String> names = new ArrayList<>();
        if (methods.isEmpty()) {
            names.add("GET");
            names.add("POST");
        }
        methods.forEach(method -> names.add(method.name()));
        return names;
    }
}
