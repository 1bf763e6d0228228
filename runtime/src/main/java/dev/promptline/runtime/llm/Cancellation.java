package dev.promptline.runtime.llm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cooperative cancellation of one execution (LangGraph4j 1.8 has no AbortController): the gRPC adapter cancels it
 * when the caller cancels or its deadline passes; model clients check it between tokens and register a callback
 * that aborts their HTTP request at once.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            callbacks.forEach(Runnable::run);
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Runs {@code callback} on cancellation, or at once if already cancelled. */
    public void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled.get() && callbacks.remove(callback)) {
            callback.run();
        }
    }
}
