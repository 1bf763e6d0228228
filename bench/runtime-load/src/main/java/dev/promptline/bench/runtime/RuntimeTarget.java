package dev.promptline.bench.runtime;

import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.server.RuntimeServer;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Executions through the runtime's gRPC contract, with the fake provider as an OpenAI model: either the sidecar over
 * Netty on loopback, with a channel set up as the api's, or the runtime in this JVM on the in-process transport, as
 * the api embeds it.
 */
final class RuntimeTarget implements StreamTarget {
    static final String API_KEY = "bench";
    static final String MODEL_NAME = "bench-model";
    /** Where the prompt carries each stream's marker; the direct path replaces it in the captured request body. */
    static final String MARKER = "#marker";

    private static final int MAX_MESSAGE_BYTES = RuntimeServer.MAX_MESSAGE_BYTES;
    private static final String PROMPT = "Answer in twenty words. ";

    private final ManagedChannel channel;
    private final @Nullable RuntimeServer inProcessServer;
    private final @Nullable ExecutorService channelThreads;
    private final AgentRuntimeServiceGrpc.AgentRuntimeServiceStub stub;
    private final ModelSpec model;
    private final String expectedOutput;
    private final Duration deadline;

    private RuntimeTarget(
            ManagedChannel channel,
            @Nullable RuntimeServer inProcessServer,
            @Nullable ExecutorService channelThreads,
            String providerBaseUrl,
            String expectedOutput,
            Duration deadline) {
        this.channel = channel;
        this.inProcessServer = inProcessServer;
        this.channelThreads = channelThreads;
        this.stub = AgentRuntimeServiceGrpc.newStub(channel);
        this.model = ModelSpec.newBuilder()
                .setProvider(Provider.PROVIDER_OPENAI)
                .setModelName(MODEL_NAME)
                .setBaseUrl(providerBaseUrl)
                .setCredential(Credential.newBuilder().setApiKey(API_KEY))
                .build();
        this.expectedOutput = expectedOutput;
        this.deadline = deadline;
    }

    /** The sidecar listening on {@code port} of 127.0.0.1; the channel is the api's (RuntimeClientConfiguration). */
    static RuntimeTarget sidecar(int port, String providerBaseUrl, String expectedOutput, Duration deadline) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        return new RuntimeTarget(channel, null, null, providerBaseUrl, expectedOutput, deadline);
    }

    /** A runtime in this JVM, started as the api's in-process mode starts it (InProcessRuntime). */
    static RuntimeTarget inProcess(String providerBaseUrl, String expectedOutput, Duration deadline)
            throws IOException {
        String name = "bench-runtime-" + UUID.randomUUID();
        RuntimeSettings settings = RuntimeSettings.fromEnvironment(Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1"));
        RuntimeServer server = RuntimeServer.startInProcess(name, AgentRuntime.grpcService(settings));
        ExecutorService channelThreads = Executors.newVirtualThreadPerTaskExecutor();
        ManagedChannel channel = InProcessChannelBuilder.forName(name)
                .executor(channelThreads)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        return new RuntimeTarget(channel, server, channelThreads, providerBaseUrl, expectedOutput, deadline);
    }

    @Override
    public Timing stream(String marker, Runnable firstToken) throws InterruptedException, ExecutionException {
        var request = ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(model)
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent(PROMPT + marker))
                .build();
        var stream = new TimedStream(firstToken);
        // Read as the api reads (RuntimeCall): asynchronously, the observer on the channel's executor. A blocking
        // stub would ask for one message at a time from this thread and time its own hand-offs to the event loop
        // and back, not the runtime.
        stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(request, new CheckedEvents(stream));
        return stream.await();
    }

    /** Stamps the first token and the completed event as they arrive, and checks the output. */
    private final class CheckedEvents implements StreamObserver<ExecuteResponse> {
        private final TimedStream stream;

        CheckedEvents(TimedStream stream) {
            this.stream = stream;
        }

        @Override
        public void onNext(ExecuteResponse event) {
            switch (event.getEventCase()) {
                case TOKEN_DELTA -> stream.token();
                case COMPLETED -> {
                    long end = System.nanoTime();
                    if (!event.getCompleted().getOutput().equals(expectedOutput)) {
                        stream.failed(new IllegalStateException(
                                "Unexpected output: " + event.getCompleted().getOutput()));
                    }
                    stream.ended(end);
                }
                case FAILED ->
                    stream.failed(new IllegalStateException("Execution failed: %s %s"
                            .formatted(
                                    event.getFailed().getCode(),
                                    event.getFailed().getMessage())));
                default -> {
                    // started, node and usage events: not timed
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            stream.failed(failure);
        }

        @Override
        public void onCompleted() {
            // Does nothing when the completed or failed event has ended the stream already.
            stream.failed(new IllegalStateException("The stream ended without a terminal event"));
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (inProcessServer != null) {
            inProcessServer.stop(Duration.ofSeconds(5));
        }
        if (channelThreads != null) {
            channelThreads.close();
        }
    }
}
