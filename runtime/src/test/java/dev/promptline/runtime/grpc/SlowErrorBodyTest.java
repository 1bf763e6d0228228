package dev.promptline.runtime.grpc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * While one provider's error body trickles in, another execution on the same runtime (the same JDK client) streams
 * its answer to the end. The behaviour only: it also passes with the body read on the thread that completes the
 * exchange, which on JDK 25 is not the one delivering the other stream's bytes.
 */
class SlowErrorBodyTest {
    private static final String ERROR_BODY = "{\"error\":{\"message\":\"the model is overloaded, try again\"}}";
    private static final int SENT_AT_ONCE = 10;

    @ParameterizedTest
    @EnumSource(TestRuntime.Transport.class)
    void anotherExecutionStreamsWhileAnErrorBodyTrickles(TestRuntime.Transport transport) throws Exception {
        // One attempt: a 500 is retryable, and a retry would only add a second slow answer.
        var settings = new RuntimeSettings(
                List.of("127.0.0.1"), Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofSeconds(1));
        var rest = new CountDownLatch(1);
        try (var slow = new SlowErrorServer(rest);
                var provider = FakeProvider.openAi();
                var runtime = TestRuntime.start(transport, AgentRuntime.grpcService(settings));
                var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            provider.setDefault(Reply.stream("still", " flowing"));

            Future<List<ExecuteResponse>> failing = callers.submit(() -> runtime.execute(request(slow.baseUrl())));
            assertThat(slow.headersSent.await(20, TimeUnit.SECONDS))
                    .as("the slow provider answered")
                    .isTrue();

            List<ExecuteResponse> streamed = runtime.execute(request(provider.baseUrl()));
            assertThat(streamed.getLast().getCompleted().getOutput()).isEqualTo("still flowing");
            assertThat(failing.isDone())
                    .as("the error body is still being read")
                    .isFalse();

            rest.countDown();
            ExecuteResponse last = failing.get(20, TimeUnit.SECONDS).getLast();
            assertThat(last.getFailed().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
            assertThat(last.getFailed().getMessage()).contains("the model is overloaded");
        }
    }

    private static ExecuteRequest request(String baseUrl) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_OPENAI)
                        .setModelName("support-model")
                        .setBaseUrl(baseUrl)
                        .setCredential(Credential.newBuilder().setApiKey("test-key")))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Classify: charged twice"))
                .build();
    }

    /**
     * Answers its one request with a 500 whose headers and first bytes come at once and whose remaining body waits
     * for {@code rest}.
     */
    private static final class SlowErrorServer implements AutoCloseable {
        final CountDownLatch headersSent = new CountDownLatch(1);
        private final ServerSocket server;
        private final Thread answering;

        SlowErrorServer(CountDownLatch rest) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            answering = Thread.startVirtualThread(() -> {
                try (Socket socket = server.accept()) {
                    readRequest(socket.getInputStream());
                    byte[] body = ERROR_BODY.getBytes(UTF_8);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + body.length + "\r\n\r\n")
                            .getBytes(US_ASCII));
                    out.write(body, 0, SENT_AT_ONCE);
                    out.flush();
                    headersSent.countDown();
                    rest.await();
                    out.write(body, SENT_AT_ONCE, body.length - SENT_AT_ONCE);
                    out.flush();
                    // Until the client has read it all and closes or pools the connection.
                    socket.getInputStream().read();
                } catch (IOException | InterruptedException e) {
                    // The test has ended, or failed on its own assertions.
                }
            });
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        /** Reads the headers, then as many body bytes as Content-Length says. */
        private static void readRequest(InputStream in) throws IOException {
            var headers = new ByteArrayOutputStream();
            while (!headers.toString(US_ASCII).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    return;
                }
                headers.write(next);
            }
            int length = headers.toString(US_ASCII)
                    .lines()
                    .filter(line -> line.regionMatches(true, 0, "content-length:", 0, 15))
                    .mapToInt(line -> Integer.parseInt(line.substring(15).strip()))
                    .findFirst()
                    .orElse(0);
            in.readNBytes(length);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            server.close();
            answering.interrupt();
            answering.join(Duration.ofSeconds(5));
        }
    }
}
