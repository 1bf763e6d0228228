package dev.promptline.api.executions;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;

/**
 * What a caller is told when an execution did not succeed: one catalogue entry per way it can end, with the
 * execution's id so the record can be read back. The record itself is finished either way.
 */
public final class ExecutionFailures {
    private ExecutionFailures() {}

    public static PromptlineException of(Execution execution) {
        ExecutionError error = execution.error() == null ? ExecutionError.INTERNAL : execution.error();
        if (!execution.status().isTerminal() || execution.status() == ExecutionStatus.SUCCEEDED) {
            throw new IllegalArgumentException("not a failure: " + execution.status());
        }
        return new PromptlineException(code(error), execution.errorMessage() == null ? "" : execution.errorMessage())
                .with("executionId", execution.id())
                .with("executionStatus", execution.status().value())
                .with("errorCode", error.value());
    }

    private static ErrorCode code(ExecutionError error) {
        return switch (error) {
            case TIMEOUT, FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT -> ErrorCode.EXECUTION_TIMED_OUT;
            case CANCELLED -> ErrorCode.EXECUTION_CANCELLED;
            case RATE_LIMITED -> ErrorCode.PROVIDER_RATE_LIMITED;
            case PROVIDER_UNAVAILABLE -> ErrorCode.PROVIDER_UNAVAILABLE;
            case INVALID_REQUEST, AUTH_FAILED, ADDRESS_FORBIDDEN -> ErrorCode.PROVIDER_REJECTED;
            case RUNTIME_UNAVAILABLE -> ErrorCode.RUNTIME_UNAVAILABLE;
            case SHUTDOWN -> ErrorCode.SERVICE_SHUTTING_DOWN;
            case ABANDONED, INTERNAL -> ErrorCode.EXECUTION_FAILED;
        };
    }
}
