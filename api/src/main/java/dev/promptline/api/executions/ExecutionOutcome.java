package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How an execution ended, as it is written to its record once. Its status follows from its error: none is success.
 *
 * @param output the whole output, or what was streamed before a failure
 * @param finishReason why the model stopped; only for a success
 * @param answeredBy the model that answered; only for a success
 * @param attemptLog every provider attempt the runtime announced, in order
 */
record ExecutionOutcome(
        String output,
        Usage usage,
        Timing timing,
        @Nullable FinishReason finishReason,
        @Nullable ExecutionError error,
        @Nullable String errorMessage,
        Execution.@Nullable ModelRef answeredBy,
        List<Execution.Attempt> attemptLog) {
    /**
     * What the execution used.
     *
     * @param attempts provider attempts; 0 when none was announced
     */
    record Usage(int tokensInput, int tokensOutput, int attempts) {}

    /** Measured from the moment the runtime call started. */
    record Timing(long latencyMs, @Nullable Long timeToFirstTokenMs) {}

    ExecutionOutcome {
        requireNonNull(output, "output is null");
        requireNonNull(usage, "usage is null");
        requireNonNull(timing, "timing is null");
        if ((error == null) != (errorMessage == null)) {
            throw new IllegalArgumentException("a failure has an error and a message, a success neither");
        }
        if (error != null && (finishReason != null || answeredBy != null)) {
            throw new IllegalArgumentException("only a success has a finish reason and a model that answered");
        }
        attemptLog = List.copyOf(attemptLog);
    }

    static ExecutionOutcome succeeded(String output, Usage usage, Timing timing, FinishReason finishReason) {
        return new ExecutionOutcome(output, usage, timing, requireNonNull(finishReason), null, null, null, List.of());
    }

    static ExecutionOutcome failed(ExecutionError error, String message, String output, Usage usage, Timing timing) {
        return new ExecutionOutcome(
                output, usage, timing, null, requireNonNull(error), requireNonNull(message), null, List.of());
    }

    /** This outcome with the model that answered (null for a failure) and the log of its attempts. */
    ExecutionOutcome with(Execution.@Nullable ModelRef answered, List<Execution.Attempt> attempts) {
        return new ExecutionOutcome(output, usage, timing, finishReason, error, errorMessage, answered, attempts);
    }

    ExecutionStatus status() {
        return error == null ? ExecutionStatus.SUCCEEDED : error.status();
    }
}
