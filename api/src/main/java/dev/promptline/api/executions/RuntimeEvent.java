package dev.promptline.api.executions;

import org.jspecify.annotations.Nullable;

/**
 * The runtime's stream as the api reads it: the contract's event union, without the graph's node events, which only
 * the runtime's own logs need. Mapped from proto in {@link RuntimeCall}; proto types go no further.
 */
sealed interface RuntimeEvent {
    /** The runtime accepted the execution. */
    record Started() implements RuntimeEvent {}

    /** A piece of output, in order. */
    record TokenDelta(String text) implements RuntimeEvent {}

    /** An attempt at the provider began, counting from 1 (runtimes older than this event do not send it). */
    record AttemptStarted(int attempt) implements RuntimeEvent {}

    /** Terminal: the execution succeeded. */
    record Completed(
            String output,
            String finishReason,
            int inputTokens,
            int outputTokens,
            long timeToFirstTokenMs,
            int attempts)
            implements RuntimeEvent {}

    /**
     * Terminal: the execution failed.
     *
     * @param code the contract's error code in lower case, e.g. provider_unavailable
     */
    record Failed(String code, String message, boolean retryable, int attempts, int outputTokens)
            implements RuntimeEvent {}

    /** Terminal: the call itself ended without a terminal event (runtime down, deadline, cancelled). */
    record CallFailed(io.grpc.Status.Code status, @Nullable String description) implements RuntimeEvent {}
}
