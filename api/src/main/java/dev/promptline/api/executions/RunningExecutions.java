package dev.promptline.api.executions;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The executions this process is running, and the way to cancel one wherever it runs: here directly, on another
 * replica through the cancel channel (Redis pub/sub), which every replica listens to.
 */
@Component
class RunningExecutions {
    /** One running execution: its call to the runtime, and why it was cancelled, once it is. */
    static final class Running {
        private final RuntimeCall call;
        private volatile @Nullable String cancelledBecause;

        Running(RuntimeCall call) {
            this.call = call;
        }

        private volatile boolean shutdown;

        void cancel(String because) {
            if (cancelledBecause == null) {
                cancelledBecause = because;
            }
            call.cancel(because);
        }

        /** Stops it because this process is stopping: not anyone's cancel, so it ends failed as shutdown. */
        void shutDown() {
            shutdown = true;
            cancel(SHUTTING_DOWN);
        }

        @Nullable
        String cancelledBecause() {
            return cancelledBecause;
        }

        boolean isShutDown() {
            return shutdown;
        }
    }

    static final String SHUTTING_DOWN =
            "The API was shutting down and its grace period (SHUTDOWN_GRACE_PERIOD) ran out";

    private static final Duration SHUTDOWN_POLL = Duration.ofMillis(20);

    private final Map<UUID, Running> local = new ConcurrentHashMap<>();
    private volatile Consumer<UUID> broadcast = id -> {};

    Running register(UUID id, RuntimeCall call) {
        var running = new Running(call);
        local.put(id, running);
        return running;
    }

    void unregister(UUID id) {
        local.remove(id);
    }

    /** Cancels an execution running here, or asks the other replicas to. */
    void cancel(UUID id) {
        if (!cancelHere(id)) {
            broadcast.accept(id);
        }
    }

    /** Cancels an execution if this process runs it; what the cancel channel's listener calls. */
    boolean cancelHere(UUID id) {
        Running running = local.get(id);
        if (running == null) {
            return false;
        }
        running.cancel("Cancelled through the API");
        return true;
    }

    /**
     * Stops every execution running here because the process stops, and waits up to {@code wait} for their records
     * to be finished; the number still running then.
     */
    int shutDownAll(Duration wait) throws InterruptedException {
        local.values().forEach(Running::shutDown);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!local.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(SHUTDOWN_POLL);
        }
        return local.size();
    }

    /** Set by the cancel channel when Redis is configured; without it, cancellation reaches this process only. */
    void broadcastWith(Consumer<UUID> publisher) {
        this.broadcast = publisher;
    }
}
