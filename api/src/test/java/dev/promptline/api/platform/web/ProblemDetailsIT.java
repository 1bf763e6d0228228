package dev.promptline.api.platform.web;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Every kind of error the web layer can produce is an RFC 9457 problem detail with our code and the request id. */
@Import(ProblemDetailsIT.EchoController.class)
@TestPropertySource(properties = "promptline.web.max-request-body-size=1KB")
class ProblemDetailsIT extends IsolatedDatabase {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcClient jdbc;

    Http http;

    /** Every path but a few needs a key (SecurityConfiguration), so these requests carry one unless they say not. */
    @BeforeEach
    void connect() {
        http = new Http(port, new Tenants(jdbc).create("problems").owner().bearer());
    }

    @Test
    void listsEveryInvalidFieldWithAPointer() {
        var response = http.postJson("/test/echo", """
                {"name": " ", "count": 11, "items": [{"label": "ok"}, {"label": ""}]}
                """);

        JsonNode problem = assertProblem(response, 400, "INVALID_REQUEST", "/test/echo");
        assertThat(problem.get("errors")
                        .valueStream()
                        .map(error -> error.get("pointer").asString()))
                .containsExactlyInAnyOrder("#/name", "#/count", "#/items/1/label");
        assertThat(problem.get("errors")
                        .valueStream()
                        .map(error -> error.get("detail").asString()))
                .allSatisfy(detail -> assertThat(detail).isNotBlank());
    }

    @Test
    void unknownPathIsNotFound() {
        assertProblem(http.get("/nothing-here"), 404, "RESOURCE_NOT_FOUND", "/nothing-here");
    }

    /** Denied by default: without a key, a path that does not exist is refused like one that does. */
    @Test
    void unknownPathWithoutAKeyIsUnauthenticated() {
        assertProblem(new Http(port).get("/nothing-here"), 401, "UNAUTHENTICATED", "/nothing-here");
    }

    @Test
    void malformedJsonSaysWhere() {
        JsonNode problem = assertProblem(
                http.postJson("/test/echo", "{\"name\": \"a\",,}"), 400, "MALFORMED_REQUEST_BODY", "/test/echo");
        assertThat(problem.get("detail").asString()).contains("not valid JSON").contains("line 1");
    }

    @Test
    void wrongTypeNamesTheFieldWithoutJavaNames() {
        JsonNode problem = assertProblem(
                http.postJson("/test/echo", "{\"name\": \"a\", \"count\": \"many\"}"),
                400,
                "MALFORMED_REQUEST_BODY",
                "/test/echo");
        assertThat(problem.get("detail").asString()).contains("#/count").doesNotContain("java.");
    }

    @Test
    void missingBodyIsMalformed() {
        var response = http.send(http.request("/test/echo")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertProblem(response, 400, "MALFORMED_REQUEST_BODY", "/test/echo");
    }

    @Test
    void unsupportedMediaType() {
        var response = http.send(http.request("/test/echo")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build());
        assertProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE", "/test/echo");
    }

    @Test
    void methodNotAllowedNamesTheAllowedOnes() {
        var response = http.send(http.request("/test/echo").DELETE().build());
        JsonNode problem = assertProblem(response, 405, "METHOD_NOT_ALLOWED", "/test/echo");
        assertThat(problem.get("detail").asString()).contains("POST");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeReading() {
        String big = "{\"name\": \"" + "x".repeat(2_000) + "\"}";
        JsonNode problem = assertProblem(http.postJson("/test/echo", big), 413, "PAYLOAD_TOO_LARGE", "/test/echo");
        assertThat(problem.get("detail").asString()).contains("1024 bytes");
    }

    @Test
    void streamedBodyOverTheLimitIsCutOff() {
        String big = "{\"name\": \"" + "x".repeat(2_000) + "\"}";
        var response = http.send(http.request("/test/echo")
                .header("Content-Type", "application/json")
                // An unknown length makes the client send the body chunked, without Content-Length.
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build());
        assertProblem(response, 413, "PAYLOAD_TOO_LARGE", "/test/echo");
    }

    @Test
    void badUuidInPathIsAClientError() {
        JsonNode problem =
                assertProblem(http.get("/test/things/not-a-uuid"), 400, "INVALID_PARAMETER", "/test/things/not-a-uuid");
        assertThat(problem.get("detail").asString()).contains("'id'").contains("UUID");
    }

    @Test
    void unexpectedErrorRevealsNothingInternal() {
        String path = "/test/things/" + UUID.randomUUID();
        var response = http.get(path);
        JsonNode problem = assertProblem(response, 500, "INTERNAL", path);
        assertThat(response.body())
                .doesNotContain("IllegalStateException")
                .doesNotContain("secret inner detail")
                .doesNotContain("at dev.promptline");
        assertThat(problem.get("detail").asString()).contains("requestId");
    }

    @Test
    void problemsAreProblemJsonEvenWhenTheClientAsksForHtml() {
        var response = http.send(http.request("/nothing-here")
                .header("Accept", "text/html")
                .GET()
                .build());
        assertProblem(response, 404, "RESOURCE_NOT_FOUND", "/nothing-here");
    }

    @Test
    void errorsAreCountedByCode() {
        double before = errorCount("UNSUPPORTED_MEDIA_TYPE");
        unsupportedMediaType();
        assertThat(errorCount("UNSUPPORTED_MEDIA_TYPE")).isEqualTo(before + 1);
    }

    private double errorCount(String code) {
        var counter = meters.find("promptline.errors").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void databaseRefusalsOfTheCallersDataAreClientErrorsBySqlState() {
        JsonNode check =
                assertProblem(http.get("/test/database/23514"), 400, "INVALID_REQUEST", "/test/database/23514");
        assertThat(check.get("detail").asString())
                .contains("users_email_format")
                .doesNotContain("ann@example.com");
        assertProblem(http.get("/test/database/22P05"), 400, "INVALID_REQUEST", "/test/database/22P05");
        assertProblem(http.get("/test/database/23502"), 400, "INVALID_REQUEST", "/test/database/23502");
        JsonNode unique = assertProblem(http.get("/test/database/23505"), 409, "CONFLICT", "/test/database/23505");
        assertThat(unique.get("detail").asString()).doesNotContain("ann@example.com");
        assertProblem(http.get("/test/database/23503"), 409, "CONFLICT", "/test/database/23503");
        assertProblem(http.get("/test/database/42P01"), 500, "INTERNAL", "/test/database/42P01");
    }

    @Nested
    @ExtendWith(OutputCaptureExtension.class)
    class Logging {
        @Test
        void anUnexpectedErrorIsOneShortLineWithItsRequestIdAndNoStackTrace(CapturedOutput output) {
            http.send(http.request("/test/things/" + UUID.randomUUID())
                    .header("X-Request-Id", "boom-1")
                    .GET()
                    .build());

            List<String> lines = serviceLines(output, "boom-1");
            assertThat(lines).as(output.getAll()).hasSize(1);
            assertThat(lines.getFirst())
                    .contains("\"ERROR\"")
                    .contains("IllegalStateException")
                    .doesNotContain("\\tat ")
                    .hasSizeLessThan(1_500);
        }

        @Test
        void databaseErrorsInLogsCarryNoRowContents(CapturedOutput output) {
            http.send(http.request("/test/database/42P01")
                    .header("X-Request-Id", "db-1")
                    .GET()
                    .build());
            http.send(http.request("/test/database/23505")
                    .header("X-Request-Id", "db-2")
                    .GET()
                    .build());

            assertThat(serviceLines(output, "db-1")).hasSize(1);
            assertThat(output.getAll()).doesNotContain("ann@example.com");
        }

        @Test
        void clientErrorsAreNotLoggedAboveInfo(CapturedOutput output) {
            for (var request : List.of(
                    http.request("/nothing-here").GET(),
                    http.request("/test/echo").DELETE(),
                    http.request("/test/echo")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"\\u0000\"}")),
                    http.request("/test/things/not-a-uuid").GET())) {
                http.send(request.header("X-Request-Id", "client-1").build());
            }
            assertThat(serviceLines(output, "client-1")).as(output.getAll()).isEmpty();
        }

        /** Lines logged at WARN or above for the request, the access log aside. */
        private List<String> serviceLines(CapturedOutput output, String requestId) {
            return output.getAll()
                    .lines()
                    .filter(line -> line.contains("\"" + requestId + "\""))
                    .filter(line -> !line.contains("dev.promptline.access"))
                    .filter(line -> line.contains("\"WARN\"") || line.contains("\"ERROR\""))
                    .toList();
        }
    }

    @Nested
    class RequestIds {
        @Test
        void aCallersIdIsKeptAndReturned() {
            var response = http.send(http.request("/nothing-here")
                    .header("X-Request-Id", "gateway-123")
                    .GET()
                    .build());
            assertThat(response.headers().firstValue("X-Request-Id")).hasValue("gateway-123");
            assertThat(Http.json(response).get("requestId").asString()).isEqualTo("gateway-123");
        }

        @Test
        void anUnsafeIdIsReplaced() {
            var response = http.send(http.request("/nothing-here")
                    .header("X-Request-Id", "bad id\",\"level\":\"ERROR")
                    .GET()
                    .build());
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).doesNotContain("\"").hasSize(36);
            assertThat(Http.json(response).get("requestId").asString()).isEqualTo(id);
        }

        @Test
        void everyResponseGetsAGeneratedIdIncludingSuccesses() {
            var first = http.get("/health");
            var second = http.get("/health");
            assertThat(first.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(second.headers().firstValue("X-Request-Id"))
                    .isPresent()
                    .isNotEqualTo(first.headers().firstValue("X-Request-Id"));
        }

        @Test
        void filterErrorsCarryTheIdToo() {
            String big = "x".repeat(2_000);
            var response = http.send(http.request("/test/echo")
                    .header("Content-Type", "application/json")
                    .header("X-Request-Id", "too-big-1")
                    .POST(HttpRequest.BodyPublishers.ofString(big))
                    .build());
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(Http.json(response).get("requestId").asString()).isEqualTo("too-big-1");
        }
    }

    record Item(@NotBlank String label) {}

    record EchoRequest(
            @NotBlank String name,
            @Max(10) int count,
            @Valid @Size(max = 5) List<Item> items) {}

    @RestController
    static class EchoController {
        private final JdbcClient jdbc;

        EchoController(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        /**
         * Fails in the database with this SQLState, with a DETAIL quoting personal data as a unique key's does. The
         * address is concatenated in SQL so that only the server's DETAIL holds it, not the statement's text.
         */
        @GetMapping("/test/database/{state}")
        String refuse(@PathVariable @jakarta.validation.constraints.Pattern(regexp = "[0-9A-Z]{5}") String state) {
            jdbc.sql("""
                            DO $$ BEGIN RAISE EXCEPTION 'new row violates check constraint "users_email_format"'
                            USING ERRCODE = '%s', DETAIL = 'Key (email)=(ann' || '@example.com) already exists.'; END $$
                            """.formatted(state)).update();
            return "unreachable";
        }

        @PostMapping(path = "/test/echo", consumes = "application/json")
        EchoRequest echo(@Valid @RequestBody EchoRequest request) {
            return request;
        }

        @GetMapping("/test/things/{id}")
        String thing(@PathVariable UUID id) {
            throw new IllegalStateException("secret inner detail of " + id);
        }
    }
}
