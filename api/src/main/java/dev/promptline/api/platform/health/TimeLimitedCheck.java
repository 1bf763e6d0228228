package dev.promptline.api.platform.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;

/**
 * Runs a readiness check with a deadline. A dependency that hangs (a dropped network path, a full pool) makes the
 * probe answer "down" on time instead of making the kubelet time out; the abandoned check finishes on its own virtual
 * thread, bounded by the client's own timeouts.
 */
final class TimeLimitedCheck {
    private static final Executor VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private TimeLimitedCheck() {}

    static Health run(Duration timeout, Supplier<Health> check) {
        try {
            return CompletableFuture.supplyAsync(check, VIRTUAL_THREADS).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Health.down()
                    .withDetail("error", "no answer within " + timeout)
                    .build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("error", describe(e.getCause())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        }
    }

    /** The exception's type and message: enough to act on, without a stack trace in a probe answer. */
    static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
