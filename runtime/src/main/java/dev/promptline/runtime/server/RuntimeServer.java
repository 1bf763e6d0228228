package dev.promptline.runtime.server;

import static java.util.Objects.requireNonNull;

import dev.promptline.runtime.grpc.AgentRuntimeGrpcService;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gRPC server for the runtime: the given service plus the standard health service ({@code grpc.health.v1},
 * SERVING for {@code ""} and for the service's own name), every call on its own virtual thread, since the runtime's
 * handlers block for a whole execution.
 */
public final class RuntimeServer {
    /**
     * Requests carry whole prompts and the completed event a whole output; gRPC's 4 MiB default would refuse a long
     * context. The api's clients use the same limit.
     */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    // Once calls are cancelled, handlers only need to notice it (the model call is aborted on cancellation).
    private static final Duration CANCELLED_CALLS_WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(RuntimeServer.class);

    private final Server server;
    private final @Nullable AgentRuntimeGrpcService executions;
    private final HealthStatusManager health;
    private final RunningCalls running;
    private final ExecutorService calls;
    private final String where;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RuntimeServer(
            Server server,
            @Nullable AgentRuntimeGrpcService executions,
            HealthStatusManager health,
            RunningCalls running,
            ExecutorService calls,
            String where) {
        this.server = server;
        this.executions = executions;
        this.health = health;
        this.running = running;
        this.calls = calls;
        this.where = where;
    }

    /** Serves {@code service} on a TCP port of every interface; {@code 0} picks a free port (see {@link #port()}). */
    public static RuntimeServer start(int port, BindableService service) throws IOException {
        var builder = NettyServerBuilder.forPort(port)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // Find clients that vanished without closing (a killed api), so their executions are cancelled.
                .keepAliveTime(1, TimeUnit.MINUTES)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                // The api pings every 30 s, also between calls: allow it rather than answer too_many_pings.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        return start(builder, service, null);
    }

    /** Serves {@code service} on the in-process transport under {@code name}, unique within the JVM. */
    public static RuntimeServer startInProcess(String name, BindableService service) throws IOException {
        return start(InProcessServerBuilder.forName(name), service, name);
    }

    private static RuntimeServer start(
            ServerBuilder<?> builder, BindableService service, @Nullable String inProcessName) throws IOException {
        ServerServiceDefinition definition = service.bindService();
        var health = new HealthStatusManager();
        var running = new RunningCalls();
        ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        Server server = builder.executor(calls)
                .addService(ServerInterceptors.intercept(definition, running))
                .addService(health.getHealthService())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            calls.shutdown();
            throw e;
        }
        // SERVING only once the server listens, so a health check never says yes to a server that cannot answer.
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(definition.getServiceDescriptor().getName(), ServingStatus.SERVING);
        String where = inProcessName == null ? "port " + server.getPort() : "in-process name " + inProcessName;
        return new RuntimeServer(
                server,
                service instanceof AgentRuntimeGrpcService executions ? executions : null,
                health,
                running,
                calls,
                where);
    }

    /** The TCP port the server listens on; {@code -1} in-process. */
    public int port() {
        return server.getPort();
    }

    /**
     * Stops gracefully: health says NOT_SERVING first (so health watchers stop sending), then new calls are refused
     * (UNAVAILABLE) while running executions go on for up to {@code grace}; what still runs then is stopped, which
     * aborts its model call and ends it with a failed event (shutdown, with its usage). Returns when the server has stopped; a second call (a second signal) waits for the
     * first instead of cutting its grace short.
     */
    public void stop(Duration grace) {
        requireNonNull(grace, "grace is null");
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        log.info(
                "Runtime server on {} stopping: refusing new calls, giving {} running executions up to {}",
                where,
                running.running(),
                grace);
        try {
            if (!running.awaitNone(grace) && executions != null) {
                log.warn("{} executions still running after {}; ending them", running.running(), grace);
                // Each ends with its own failed event (shutdown, with its usage) rather than a bare cancelled call,
                // which its caller could not tell from its own cancel.
                executions.endRunning();
                running.awaitNone(CANCELLED_CALLS_WAIT);
            }
            // Cancels what is left: executions past the grace (and their model calls), and health Watch streams.
            server.shutdownNow();
            server.awaitTermination(CANCELLED_CALLS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            calls.shutdown();
            // Before the latch: the main thread returns (and the JVM may exit) as soon as it opens.
            log.info("Runtime server on {} stopped", where);
            stopped.countDown();
        }
    }

    /**
     * Blocks until the server has terminated and, when it was stopped, until {@link #stop} has finished: the signal
     * handler's thread is a daemon, so the JVM would not wait for the end of its stop.
     */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
        if (stopping.get()) {
            stopped.await();
        }
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
