package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.IsolatedDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Jetty refuses before any filter or servlet sees them answer a problem detail too, not Jetty's HTML page, and
 * the server then closes the connection (the raw socket reads to its end). Sent over a raw socket, because a
 * well-behaved HTTP client will not send most of them.
 */
class ContainerRefusalsIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Test
    void anEncodedNulInThePath() {
        assertProblem(exchange("GET /api/v1/prompts/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    @Test
    void anEncodedSlashInThePath() {
        assertProblem(exchange("GET /api/v1/prompts/a%2Fb HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void aRequestIdSentWithARefusedRequestIsKept() {
        var response = exchange("GET /api/v1/prompts/a%2Fb HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: refused-1\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(assertProblem(response).get("requestId").asString()).isEqualTo("refused-1");
    }

    @Test
    void headersOverTheLimit() {
        assertProblem(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void aMalformedRequestLine() {
        assertProblem(exchange("GET /he alth HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    @Test
    void aMalformedHeader() {
        assertProblem(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n"));
    }

    @Test
    void aRequestRefusedBeforeItsBodyIsReadStillGetsItsAnswer() throws Exception {
        // Refused by authentication before the body is read. Unless the server reads the rest of the body anyway, it
        // closes the connection with the bytes unread and the kernel resets it, losing the answer.
        String body = "{\"name\": \"" + "x".repeat(512 * 1024) + "\"}";
        try (var client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 20; i++) {
                var response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/prompts"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(401);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
        }
    }

    private static JsonNode assertProblem(String response) {
        String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(head).as(response).startsWith("HTTP/1.1 4");
        assertThat(head.toLowerCase(Locale.ROOT)).as(response).contains("content-type: application/problem+json");
        JsonNode problem = JsonMapper.builder().build().readTree(body);
        assertThat(problem.get("code").asString()).isEqualTo("INVALID_REQUEST");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("type").asString()).isEqualTo("https://promptline.dev/problems/invalid-request");
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("requestId").asString()).isNotBlank();
        assertThat(head).contains("X-Request-Id: " + problem.get("requestId").asString());
        assertThat(head).contains("Connection: close");
        return problem;
    }

    private String exchange(String request) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // The server may reset the connection after answering a refused request; what it sent is enough.
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
