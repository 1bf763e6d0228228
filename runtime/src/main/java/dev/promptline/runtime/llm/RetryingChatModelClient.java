package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one retry policy, wrapped around a provider client: a retryable failure (429, 5xx, a broken connection, a late
 * first token) is tried again after an exponential backoff with full jitter, or after the provider's Retry-After,
 * up to the call's attempts. Never after a token has been streamed: the caller has shown it to someone, and a new
 * attempt would produce different text. Never past the deadline: when the wait would end after it, the last error
 * stands.
 *
 * <p>It also times each attempt: a first token later than the call's first-token timeout cancels the attempt (a
 * retryable failure), and so does a stream that stalls for longer than the idle timeout between two tokens (not
 * retried: text was streamed).
 */
public final class RetryingChatModelClient implements ChatModelClient {
    private final ChatModelClient delegate;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService timers;

    public RetryingChatModelClient(
            ChatModelClient delegate, Duration initialBackoff, Duration maxBackoff, ScheduledExecutorService timers) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.initialBackoff = requireNonNull(initialBackoff, "initialBackoff is null");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
        this.timers = requireNonNull(timers, "timers is null");
    }

    @Override
    public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
        return stream(call, tokens, AttemptListener.NONE, cancellation);
    }

    @Override
    public ModelResult stream(
            ModelCall call, Consumer<String> tokens, AttemptListener attempts, Cancellation cancellation) {
        for (int attempt = 1; ; attempt++) {
            attempts.started(attempt);
            var streamed = new AtomicBoolean();
            try {
                return attempt(call, tokens, cancellation, streamed).withAttempts(attempt);
            } catch (ModelCallException e) {
                if (cancellation.isCancelled()) {
                    ModelCallException stopped = cancellation.toException().withAttempts(attempt);
                    attempts.failed(attempt, stopped);
                    throw stopped;
                }
                attempts.failed(attempt, e);
                Duration wait = e.retryable() && !streamed.get() && attempt < call.maxAttempts()
                        ? waitBefore(attempt + 1, e.retryAfter(), call.timeLeft())
                        : null;
                if (wait == null) {
                    throw e.withAttempts(attempt);
                }
                pause(wait, cancellation, attempt);
            }
        }
    }

    private ModelResult attempt(
            ModelCall call, Consumer<String> tokens, Cancellation execution, AtomicBoolean streamed) {
        Cancellation attempt = execution.child();
        Duration firstTokenTimeout = call.firstTokenTimeout();
        Future<?> lateFirstToken = firstTokenTimeout == null
                ? CompletableFuture.completedFuture(null)
                : timers.schedule(
                        () -> attempt.cancel(Cancellation.Reason.FIRST_TOKEN_LATE),
                        firstTokenTimeout.toNanos(),
                        TimeUnit.NANOSECONDS);
        var stall = new StallWatch(call.idleTimeout(), attempt);
        try {
            return delegate.stream(
                    call,
                    text -> {
                        if (streamed.compareAndSet(false, true)) {
                            lateFirstToken.cancel(false);
                            stall.start();
                        } else {
                            stall.tokenArrived();
                        }
                        tokens.accept(text);
                    },
                    attempt);
        } catch (ModelCallException e) {
            // A late or stalled token cancels only the attempt: that is a failure of this attempt, not of the
            // execution.
            throw attempt.isCancelled() && !execution.isCancelled() ? attempt.toException() : e;
        } finally {
            lateFirstToken.cancel(false);
            stall.stop();
            attempt.detach();
        }
    }

    /**
     * Cancels the attempt once no token came for the idle timeout. A token only writes down when it came: one timer at a
     * time checks, when it fires, whether the stream stayed quiet all along, and if not sets itself again for the rest
     * of the interval, so that a fast stream costs no timer per token.
     */
    private final class StallWatch {
        private final @Nullable Duration idleTimeout;
        private final Cancellation attempt;
        private final AtomicLong lastTokenNanos = new AtomicLong();
        private volatile Future<?> timer = CompletableFuture.completedFuture(null);
        private volatile boolean stopped;

        StallWatch(@Nullable Duration idleTimeout, Cancellation attempt) {
            this.idleTimeout = idleTimeout;
            this.attempt = attempt;
        }

        void start() {
            if (idleTimeout != null) {
                lastTokenNanos.set(System.nanoTime());
                schedule(idleTimeout.toNanos());
            }
        }

        void tokenArrived() {
            if (idleTimeout != null) {
                lastTokenNanos.set(System.nanoTime());
            }
        }

        void stop() {
            stopped = true;
            timer.cancel(false);
        }

        private void schedule(long delayNanos) {
            if (!stopped) {
                timer = timers.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void check() {
            long quiet = System.nanoTime() - lastTokenNanos.get();
            long left = requireNonNull(idleTimeout).toNanos() - quiet;
            if (left <= 0) {
                attempt.cancel(Cancellation.Reason.TOKENS_STALLED);
            } else {
                schedule(left);
            }
        }
    }

    /** The wait before attempt {@code next}, or null when waiting would outlast the policy or the deadline. */
    @Nullable
    Duration waitBefore(int next, @Nullable Duration retryAfter, @Nullable Duration timeLeft) {
        Duration wait;
        if (retryAfter != null) {
            if (retryAfter.compareTo(maxBackoff) > 0) {
                return null;
            }
            wait = retryAfter;
        } else {
            long ceiling = Math.min(maxBackoff.toNanos(), initialBackoff.toNanos() << Math.min(next - 2, 30));
            wait = Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
        }
        return timeLeft != null && wait.compareTo(timeLeft) >= 0 ? null : wait;
    }

    private static void pause(Duration wait, Cancellation cancellation, int attempts) {
        var woken = new CompletableFuture<Void>();
        try (var registration = cancellation.onCancel(() -> woken.complete(null))) {
            woken.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException waited) {
            return;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException(ModelCallException.Kind.CANCELLED, "The runtime is stopping", false, e)
                    .withAttempts(attempts);
        }
        throw cancellation.toException().withAttempts(attempts);
    }
}
