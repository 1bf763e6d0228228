package dev.promptline.api.executions;

import java.util.Locale;

/**
 * Why an execution did not succeed. It decides the execution's terminal status, so a record cannot say "cancelled"
 * with a timeout's error; it is written on the record as its lower-case name ({@code provider_unavailable}) and that
 * name is what the API shows.
 */
public enum ExecutionError {
    /** The provider refused the request as malformed. */
    INVALID_REQUEST,
    /** The provider refused the credential. */
    AUTH_FAILED,
    /** The provider kept answering 429 until the attempts ran out. */
    RATE_LIMITED,
    /** The provider failed (5xx, connection) until the attempts ran out. */
    PROVIDER_UNAVAILABLE,
    /** The model's address is not allowed (MODEL_ALLOWED_HOSTS). */
    ADDRESS_FORBIDDEN,
    /** Its deadline passed (the total timeout), or the provider answered 408. */
    TIMEOUT,
    /** No token came within the first-token timeout, on the last model tried. */
    FIRST_TOKEN_TIMEOUT,
    /** The stream stalled: no token within the idle timeout after an earlier one. */
    IDLE_TIMEOUT,
    /** Someone cancelled it, or its client left. */
    CANCELLED,
    /** The process running it stopped before it ended. */
    SHUTDOWN,
    /** The agent runtime could not be reached. */
    RUNTIME_UNAVAILABLE,
    /** Left unfinished by a runner that vanished; closed by recovery or the sweep. */
    ABANDONED,
    /** Anything else: a bug on our side, or a code this version does not know. */
    INTERNAL;

    /** The terminal status an execution that ended this way has. */
    public ExecutionStatus status() {
        return switch (this) {
            case TIMEOUT, FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT -> ExecutionStatus.TIMED_OUT;
            case CANCELLED -> ExecutionStatus.CANCELLED;
            case INVALID_REQUEST,
                    AUTH_FAILED,
                    RATE_LIMITED,
                    PROVIDER_UNAVAILABLE,
                    ADDRESS_FORBIDDEN,
                    SHUTDOWN,
                    RUNTIME_UNAVAILABLE,
                    ABANDONED,
                    INTERNAL -> ExecutionStatus.FAILED;
        };
    }

    /** As written on the record and shown by the API. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The error a record names. A name this version does not know (written by a newer replica during a rolling
     * upgrade) reads as {@link #INTERNAL} rather than failing every read of the record.
     */
    public static ExecutionError fromValue(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return INTERNAL;
        }
    }
}
