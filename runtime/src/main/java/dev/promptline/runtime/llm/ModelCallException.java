package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A model call that failed, classified for the contract's error codes and the retry decision. */
public final class ModelCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Mirrors the contract's error codes, without depending on it. */
    public enum Kind {
        INVALID_REQUEST,
        AUTH_FAILED,
        RATE_LIMITED,
        PROVIDER_UNAVAILABLE,
        /** The execution's deadline passed, or the provider answered 408. */
        TIMEOUT,
        /** No token came within the first-token timeout. */
        FIRST_TOKEN_TIMEOUT,
        /** The stream stalled: no token within the idle timeout after an earlier one. */
        IDLE_TIMEOUT,
        CANCELLED,
        ADDRESS_FORBIDDEN,
        INTERNAL,
        /** The runtime stopped before the call ended. */
        SHUTDOWN
    }

    private final Kind kind;
    private final boolean retryable;
    private final @Nullable Duration retryAfter;
    private final int attempts;

    public ModelCallException(Kind kind, String message, boolean retryable) {
        this(kind, message, retryable, null, 1, null);
    }

    public ModelCallException(Kind kind, String message, boolean retryable, @Nullable Throwable cause) {
        this(kind, message, retryable, null, 1, cause);
    }

    private ModelCallException(
            Kind kind,
            String message,
            boolean retryable,
            @Nullable Duration retryAfter,
            int attempts,
            @Nullable Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.attempts = attempts;
    }

    /** The same failure, with how long the provider asked us to wait (its Retry-After header). */
    public ModelCallException withRetryAfter(@Nullable Duration wait) {
        return new ModelCallException(kind, getMessage(), retryable, wait, attempts, getCause());
    }

    /** The same failure, after {@code count} attempts. */
    public ModelCallException withAttempts(int count) {
        return new ModelCallException(kind, getMessage(), retryable, retryAfter, count, getCause());
    }

    public Kind kind() {
        return kind;
    }

    /** Whether running the call again could succeed. */
    public boolean retryable() {
        return retryable;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    public int attempts() {
        return attempts;
    }

    @Override
    public String getMessage() {
        return requireNonNull(super.getMessage());
    }
}
