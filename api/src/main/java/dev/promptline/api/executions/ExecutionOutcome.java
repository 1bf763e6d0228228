package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * How an execution ended, as it is written to its record once.
 *
 * @param output the whole output, or what was streamed before a failure
 * @param errorCode null exactly when it succeeded
 */
record ExecutionOutcome(
        ExecutionStatus status,
        String output,
        int tokensInput,
        int tokensOutput,
        long latencyMs,
        @Nullable Long timeToFirstTokenMs,
        @Nullable String finishReason,
        int attempts,
        @Nullable String errorCode,
        @Nullable String errorMessage) {
    ExecutionOutcome {
        requireNonNull(status, "status is null");
        requireNonNull(output, "output is null");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("an outcome is terminal: " + status);
        }
    }
}
