package dev.promptline.runtime.spring;

import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.server.RuntimeServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The runtime's server on the in-process transport and the one channel to it, started and stopped together. */
final class InProcessRuntime implements AutoCloseable {
    /**
     * Closed as the application context is destroyed, which is after every lifecycle phase has stopped, so after the
     * web server's graceful drain: executions started by requests have had that whole grace to finish. What still
     * runs is past it and is cancelled; this only bounds the wait for handlers to notice.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final RuntimeServer server;
    private final ManagedChannel channel;
    private final ExecutorService channelCallbacks;

    private InProcessRuntime(RuntimeServer server, ManagedChannel channel, ExecutorService channelCallbacks) {
        this.server = server;
        this.channel = channel;
        this.channelCallbacks = channelCallbacks;
    }

    static InProcessRuntime start(RuntimeSettings settings) {
        // Unique per start: several application contexts (tests) can live in one JVM, each with its own runtime.
        String name = "promptline-runtime-" + UUID.randomUUID();
        RuntimeServer server;
        try {
            server = RuntimeServer.startInProcess(name, AgentRuntime.grpcService(settings));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the in-process runtime", e);
        }
        ExecutorService channelCallbacks = Executors.newVirtualThreadPerTaskExecutor();
        ManagedChannel channel = InProcessChannelBuilder.forName(name)
                .executor(channelCallbacks)
                .maxInboundMessageSize(RuntimeServer.MAX_MESSAGE_BYTES)
                .build();
        return new InProcessRuntime(server, channel, channelCallbacks);
    }

    ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.stop(STOP_GRACE);
        channelCallbacks.shutdown();
    }
}
