package dev.promptline.bench.runtime;

import dev.promptline.bench.runtime.StreamTarget.Timing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One stream's times as its client sees them: stamped on the client's thread where each event arrives, and handed
 * to the thread that waits for the stream's end.
 */
final class TimedStream {
    private final CompletableFuture<Timing> timing = new CompletableFuture<>();
    private final Runnable firstToken;
    private final long start = System.nanoTime();
    private long firstTokenAt;

    /** Starts the clock; {@code firstToken} runs when the first token arrives. */
    TimedStream(Runnable firstToken) {
        this.firstToken = firstToken;
    }

    /** A token arrived; the first one is stamped. */
    void token() {
        if (firstTokenAt == 0) {
            firstTokenAt = System.nanoTime();
            firstToken.run();
        }
    }

    /** The answer ended at {@code endAt} ({@link System#nanoTime()}). */
    void ended(long endAt) {
        if (firstTokenAt == 0) {
            failed(new IllegalStateException("The stream ended without a token"));
        } else {
            timing.complete(new Timing(start, firstTokenAt, endAt));
        }
    }

    /** The stream failed or its answer is wrong; the first failure or ending is the one reported. */
    void failed(Throwable failure) {
        timing.completeExceptionally(failure);
    }

    /** Waits for the stream's end. */
    Timing await() throws InterruptedException, ExecutionException {
        return timing.get();
    }
}
