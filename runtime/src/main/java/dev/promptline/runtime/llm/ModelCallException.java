package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

/** A model call that failed, classified for the contract's error codes and the retry decision. */
public final class ModelCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Mirrors the contract's error codes, without depending on it. */
    public enum Kind {
        INVALID_REQUEST,
        AUTH_FAILED,
        RATE_LIMITED,
        PROVIDER_UNAVAILABLE,
        TIMEOUT,
        CANCELLED,
        ADDRESS_FORBIDDEN,
        INTERNAL
    }

    private final Kind kind;
    private final boolean retryable;

    public ModelCallException(Kind kind, String message, boolean retryable) {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
        this.retryable = retryable;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }
}
