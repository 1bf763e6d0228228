package dev.promptline.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar as the operating system runs it: its own JVM, configured by the environment, stopped by a signal. */
class RuntimeMainTest {
    private static final Pattern LISTENING_ON = Pattern.compile(Pattern.quote(RuntimeMain.LISTENING) + "(\\d+)");

    @TempDir
    Path directory;

    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void servesHealthThenDrainsAndExitsZeroOnSigterm() throws Exception {
        Path output = start(Map.of("RUNTIME_PORT", "0", "RUNTIME_SHUTDOWN_GRACE", "5s"));
        int port = awaitListening(output);

        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var health = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder()
                            .setService("promptline.runtime.v1.AgentRuntimeService")
                            .build());
            assertThat(health.getStatus()).isEqualTo(ServingStatus.SERVING);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        process.destroy();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(output)).isZero();
        assertThat(Files.readString(output)).contains("stopped");
    }

    @Test
    void anExecutionRunningAtSigtermFinishesBeforeTheProcessExits() throws Exception {
        try (var provider = FakeProvider.openAi()) {
            provider.setDefault(
                    Reply.stream("one", " two", " three", " four", " five").tokenInterval(Duration.ofMillis(300)));

            SigtermRun run = sigtermMidStream(provider, "10s");

            assertThat(run.events().getLast().getCompleted().getOutput()).isEqualTo("one two three four five");
            assertThat(run.log()).contains("giving 1 running executions");
        }
    }

    @Test
    void anExecutionStillRunningWhenTheGraceRunsOutEndsWithAShutdownFailureAndItsUsage() throws Exception {
        try (var provider = FakeProvider.openAi()) {
            provider.setDefault(Reply.stream("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l")
                    .tokenInterval(Duration.ofMillis(400)));

            List<ExecuteResponse> events = sigtermMidStream(provider, "1s").events();

            long deltas = events.stream().filter(ExecuteResponse::hasTokenDelta).count();
            var failed = events.getLast().getFailed();
            assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_SHUTDOWN);
            assertThat(failed.getRetryable()).isTrue();
            assertThat(failed.getAttempts()).isEqualTo(1);
            assertThat(failed.getUsage().getOutputTokens()).isEqualTo((int) deltas);
            assertThat(deltas).isBetween(1L, 11L);
        }
    }

    /**
     * Starts the sidecar with {@code grace}, streams one execution from {@code provider}, sends SIGTERM once the first
     * token arrived, and returns the events of a stream that ended normally, from a process that exited 0.
     */
    private SigtermRun sigtermMidStream(FakeProvider provider, String grace) throws Exception {
        Path output =
                start(Map.of("RUNTIME_PORT", "0", "RUNTIME_SHUTDOWN_GRACE", grace, "MODEL_ALLOWED_HOSTS", "127.0.0.1"));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", awaitListening(output))
                .usePlaintext()
                .build();
        try {
            List<ExecuteResponse> events = new CopyOnWriteArrayList<>();
            var ended = new CompletableFuture<Void>();
            AgentRuntimeServiceGrpc.newStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .execute(request(provider), new StreamObserver<>() {
                        @Override
                        public void onNext(ExecuteResponse event) {
                            events.add(event);
                        }

                        @Override
                        public void onError(Throwable error) {
                            ended.completeExceptionally(error);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> events.stream().anyMatch(ExecuteResponse::hasTokenDelta));

            process.destroy();

            ended.get(15, TimeUnit.SECONDS);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(output)).isZero();
            return new SigtermRun(events, Files.readString(output));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private record SigtermRun(List<ExecuteResponse> events, String log) {}

    private static ExecuteRequest request(FakeProvider provider) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_OPENAI)
                        .setModelName("support-model")
                        .setBaseUrl(provider.baseUrl())
                        .setCredential(Credential.newBuilder().setApiKey("test-key")))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Count to five"))
                .build();
    }

    @Test
    void aBadSettingIsOneLineAndExitCodeTwo() throws Exception {
        Path output = start(Map.of("RUNTIME_PORT", "ninety"));

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(RuntimeMain.EXIT_BAD_CONFIGURATION);
        assertThat(Files.readString(output).strip())
                .isEqualTo("Promptline runtime: bad configuration: "
                        + "RUNTIME_PORT must be a port number from 0 to 65535: ninety");
    }

    private Path start(Map<String, String> environment) throws IOException {
        Path output = directory.resolve("runtime.log");
        // The JDK and classpath running this test; Surefire passes the real classpath in a property.
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var builder = new ProcessBuilder(List.of(java, "-cp", classpath, RuntimeMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The tests read INFO lines; the machine's own settings stay out.
        builder.environment()
                .keySet()
                .removeIf(name -> name.startsWith("RUNTIME_")
                        || name.startsWith("PROVIDER_")
                        || name.equals("MODEL_ALLOWED_HOSTS")
                        || name.endsWith("LOG_LEVEL"));
        builder.environment().putAll(environment);
        process = builder.start();
        return output;
    }

    /** The port the process listens on (RUNTIME_PORT=0 picks a free one), once its log line says so. */
    private int awaitListening(Path output) throws IOException {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> LISTENING_ON.matcher(Files.readString(output)).find() || !process.isAlive());
        Matcher listening = LISTENING_ON.matcher(Files.readString(output));
        assertThat(listening.find()).as(Files.readString(output)).isTrue();
        return Integer.parseInt(listening.group(1));
    }
}
