package dev.promptline.runtime.grpc;

import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A runtime served on one of the two transports the api uses, and a channel to it. */
final class TestRuntime implements AutoCloseable {
    enum Transport {
        IN_PROCESS,
        NETTY
    }

    private final Server server;
    private final ManagedChannel channel;

    private TestRuntime(Server server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    static TestRuntime start(Transport transport, BindableService service) {
        try {
            return switch (transport) {
                case IN_PROCESS -> {
                    String name = "runtime-" + UUID.randomUUID();
                    Server server = InProcessServerBuilder.forName(name)
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .addService(service)
                            .build()
                            .start();
                    yield new TestRuntime(
                            server, InProcessChannelBuilder.forName(name).build());
                }
                case NETTY -> {
                    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .addService(service)
                            .build()
                            .start();
                    yield new TestRuntime(
                            server,
                            NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                                    .usePlaintext()
                                    .build());
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ManagedChannel channel() {
        return channel;
    }

    AgentRuntimeServiceGrpc.AgentRuntimeServiceBlockingStub blocking() {
        return AgentRuntimeServiceGrpc.newBlockingStub(channel);
    }

    /** Runs one execution with a generous deadline and returns every event it streamed. */
    List<ExecuteResponse> execute(ExecuteRequest request) {
        List<ExecuteResponse> events = new ArrayList<>();
        blocking().withDeadlineAfter(20, TimeUnit.SECONDS).execute(request).forEachRemaining(events::add);
        return events;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
