package dev.promptline.runtime.llm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Cooperative cancellation of one execution or one attempt of it (LangGraph4j 1.8 has no AbortController). The gRPC
 * adapter cancels an execution when the caller cancels or its deadline passes; the retry layer gives each attempt a
 * child, which it cancels when the first token is late or the stream stalls. Model clients register a callback that aborts their HTTP
 * request at once.
 */
public final class Cancellation {
    /** Why a run was stopped; decides the error code it ends with. */
    public enum Reason {
        CALLER_CANCELLED,
        DEADLINE_PASSED,
        FIRST_TOKEN_LATE,
        /** No token came within the idle timeout after an earlier one. */
        TOKENS_STALLED,
        /** The runtime is stopping and its grace has run out. */
        SHUTTING_DOWN
    }

    /** A callback's registration; closing it unregisters the callback. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final AtomicReference<@Nullable Reason> reason = new AtomicReference<>();
    private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
    private volatile Registration parentLink = () -> {};

    public void cancel(Reason why) {
        if (reason.compareAndSet(null, why)) {
            callbacks.forEach(Runnable::run);
            callbacks.clear();
        }
    }

    public boolean isCancelled() {
        return reason.get() != null;
    }

    /**
     * Runs {@code callback} once on cancellation, or at once if already cancelled. Closing the registration
     * unregisters it, so callbacks of finished attempts do not pile up on a long execution.
     */
    public Registration onCancel(Runnable callback) {
        Runnable once = new Once(callback);
        callbacks.add(once);
        if (isCancelled() && callbacks.remove(once)) {
            once.run();
        }
        return () -> callbacks.remove(once);
    }

    /** A cancellation that follows this one and can also be cancelled on its own; {@link #detach} it when done. */
    public Cancellation child() {
        var child = new Cancellation();
        child.parentLink = onCancel(() -> child.cancel(requireReason()));
        return child;
    }

    /** Stops following the parent, once a child's work is over. */
    public void detach() {
        parentLink.close();
    }

    /** The failure that a run stopped by this cancellation ends with. */
    public ModelCallException toException() {
        return switch (requireReason()) {
            case CALLER_CANCELLED ->
                new ModelCallException(ModelCallException.Kind.CANCELLED, "The caller cancelled the execution", false);
            case DEADLINE_PASSED ->
                new ModelCallException(ModelCallException.Kind.TIMEOUT, "The execution's deadline passed", false);
            case FIRST_TOKEN_LATE ->
                new ModelCallException(
                        ModelCallException.Kind.FIRST_TOKEN_TIMEOUT,
                        "The provider sent no token within the first-token timeout",
                        true);
            // Retryable for the caller (running the execution again can succeed), but never within it: text was
            // streamed.
            case TOKENS_STALLED ->
                new ModelCallException(
                        ModelCallException.Kind.IDLE_TIMEOUT,
                        "The provider's stream stalled: no token within the idle timeout",
                        true);
            case SHUTTING_DOWN ->
                new ModelCallException(
                        ModelCallException.Kind.SHUTDOWN, "The runtime was stopped before the execution ended", true);
        };
    }

    private Reason requireReason() {
        Reason why = reason.get();
        if (why == null) {
            throw new IllegalStateException("not cancelled");
        }
        return why;
    }

    /** Identity membership in the set, and at most one run however many paths reach it. */
    private static final class Once implements Runnable {
        private final Runnable delegate;
        private final AtomicBoolean ran = new AtomicBoolean();

        Once(Runnable delegate) {
            this.delegate = delegate;
        }

        @Override
        public void run() {
            if (ran.compareAndSet(false, true)) {
                delegate.run();
            }
        }
    }
}
