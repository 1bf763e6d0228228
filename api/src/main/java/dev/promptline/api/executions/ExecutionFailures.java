package dev.promptline.api.executions;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;

/**
 * What a caller is told when an execution did not succeed: one catalogue entry per way it can end, with the
 * execution's id so the record can be read back. The record itself is finished either way.
 */
final class ExecutionFailures {
    private ExecutionFailures() {}

    static PromptlineException of(Execution execution) {
        String message = execution.errorMessage() == null ? "" : execution.errorMessage();
        ErrorCode code = switch (execution.status()) {
            case TIMED_OUT -> ErrorCode.EXECUTION_TIMED_OUT;
            case CANCELLED -> ErrorCode.EXECUTION_CANCELLED;
            case FAILED -> failed(execution.errorCode() == null ? "internal" : execution.errorCode());
            case PENDING, RUNNING, SUCCEEDED ->
                throw new IllegalArgumentException("not a failure: " + execution.status());
        };
        return new PromptlineException(code, message)
                .with("executionId", execution.id())
                .with("executionStatus", execution.status().value())
                .with("errorCode", execution.errorCode() == null ? "internal" : execution.errorCode());
    }

    private static ErrorCode failed(String errorCode) {
        return switch (errorCode) {
            case "rate_limited" -> ErrorCode.PROVIDER_RATE_LIMITED;
            case "provider_unavailable" -> ErrorCode.PROVIDER_UNAVAILABLE;
            case "invalid_request", "auth_failed", "address_forbidden" -> ErrorCode.PROVIDER_REJECTED;
            case "runtime_unavailable" -> ErrorCode.RUNTIME_UNAVAILABLE;
            case "shutdown" -> ErrorCode.SERVICE_SHUTTING_DOWN;
            default -> ErrorCode.EXECUTION_FAILED;
        };
    }
}
