package dev.promptline.api.executions;

import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteResponse;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * The runtime contract's events, errors and finish reasons in the api's terms: the one place proto enums and gRPC
 * status codes become {@link RuntimeEvent}, {@link ExecutionError} and {@link FinishReason}. The switches name every
 * case, so a value added to the contract does not compile until it is mapped here.
 */
final class RuntimeContract {
    private RuntimeContract() {}

    /** The event, or null for one the api does not read (the graph's node events, usage before the end). */
    static @Nullable RuntimeEvent event(ExecuteResponse response) {
        return switch (response.getEventCase()) {
            case STARTED -> new RuntimeEvent.Started();
            case TOKEN_DELTA ->
                new RuntimeEvent.TokenDelta(response.getTokenDelta().getText());
            case ATTEMPT_STARTED ->
                new RuntimeEvent.AttemptStarted(
                        response.getAttemptStarted().getAttempt(),
                        response.getAttemptStarted().getModelIndex());
            case ATTEMPT_FAILED -> {
                var failed = response.getAttemptFailed();
                yield new RuntimeEvent.AttemptFailed(
                        failed.getAttempt(), failed.getModelIndex(), error(failed.getCode()), failed.getMessage());
            }
            case COMPLETED -> {
                var completed = response.getCompleted();
                yield new RuntimeEvent.Completed(
                        completed.getOutput(),
                        finishReason(completed.getFinishReason()),
                        completed.getUsage().getInputTokens(),
                        completed.getUsage().getOutputTokens(),
                        completed.getAttempts(),
                        completed.getModelIndex());
            }
            case FAILED -> {
                var failed = response.getFailed();
                yield new RuntimeEvent.Failed(
                        error(failed.getCode()),
                        failed.getMessage(),
                        failed.getAttempts(),
                        failed.getUsage().getOutputTokens());
            }
            case NODE_STARTED, NODE_COMPLETED, USAGE, EVENT_NOT_SET -> null;
        };
    }

    /** A call that ended without a terminal event. */
    static RuntimeEvent.CallFailed callFailed(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case CANCELLED ->
                new RuntimeEvent.CallFailed(ExecutionError.CANCELLED, "The call to the runtime was cancelled");
            case DEADLINE_EXCEEDED ->
                new RuntimeEvent.CallFailed(ExecutionError.TIMEOUT, "The execution's deadline passed");
            case UNAVAILABLE ->
                new RuntimeEvent.CallFailed(
                        ExecutionError.RUNTIME_UNAVAILABLE, "The agent runtime is not reachable: " + description);
            case OK ->
                new RuntimeEvent.CallFailed(ExecutionError.INTERNAL, "The runtime ended the stream without an outcome");
            case UNKNOWN,
                    INVALID_ARGUMENT,
                    NOT_FOUND,
                    ALREADY_EXISTS,
                    PERMISSION_DENIED,
                    RESOURCE_EXHAUSTED,
                    FAILED_PRECONDITION,
                    ABORTED,
                    OUT_OF_RANGE,
                    UNIMPLEMENTED,
                    INTERNAL,
                    DATA_LOSS,
                    UNAUTHENTICATED ->
                new RuntimeEvent.CallFailed(
                        ExecutionError.INTERNAL,
                        "The runtime call failed (%s): %s".formatted(status.getCode(), description));
        };
    }

    static ExecutionError error(ErrorCode code) {
        return switch (code) {
            case ERROR_CODE_INVALID_REQUEST -> ExecutionError.INVALID_REQUEST;
            case ERROR_CODE_AUTH_FAILED -> ExecutionError.AUTH_FAILED;
            case ERROR_CODE_RATE_LIMITED -> ExecutionError.RATE_LIMITED;
            case ERROR_CODE_PROVIDER_UNAVAILABLE -> ExecutionError.PROVIDER_UNAVAILABLE;
            case ERROR_CODE_TIMEOUT -> ExecutionError.TIMEOUT;
            case ERROR_CODE_FIRST_TOKEN_TIMEOUT -> ExecutionError.FIRST_TOKEN_TIMEOUT;
            case ERROR_CODE_IDLE_TIMEOUT -> ExecutionError.IDLE_TIMEOUT;
            case ERROR_CODE_CANCELLED -> ExecutionError.CANCELLED;
            case ERROR_CODE_ADDRESS_FORBIDDEN -> ExecutionError.ADDRESS_FORBIDDEN;
            case ERROR_CODE_SHUTDOWN -> ExecutionError.SHUTDOWN;
            case ERROR_CODE_INTERNAL, ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> ExecutionError.INTERNAL;
        };
    }

    static FinishReason finishReason(dev.promptline.runtime.v1.FinishReason reason) {
        return switch (reason) {
            case FINISH_REASON_STOP -> FinishReason.STOP;
            case FINISH_REASON_LENGTH -> FinishReason.LENGTH;
            case FINISH_REASON_CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
            case FINISH_REASON_OTHER, FINISH_REASON_UNSPECIFIED, UNRECOGNIZED -> FinishReason.OTHER;
        };
    }
}
