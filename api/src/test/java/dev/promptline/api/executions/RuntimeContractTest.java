package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.runtime.v1.AttemptFailed;
import dev.promptline.runtime.v1.AttemptStarted;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ExecutionCompleted;
import dev.promptline.runtime.v1.ExecutionFailed;
import io.grpc.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract's errors become the api's in one place, and the api's error decides the record's status. */
class RuntimeContractTest {
    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, mode = EnumSource.Mode.EXCLUDE, names = "UNRECOGNIZED")
    void everyContractErrorKeepsItsNameOnTheRecord(ErrorCode code) {
        ExecutionError error = RuntimeContract.error(code);

        String expected = code == ErrorCode.ERROR_CODE_UNSPECIFIED
                ? "internal"
                : code.name().substring("ERROR_CODE_".length()).toLowerCase(java.util.Locale.ROOT);
        assertThat(error.value()).isEqualTo(expected);
        assertThat(ExecutionError.fromValue(error.value())).isEqualTo(error);
    }

    @Test
    void aFailedEventCarriesTheErrorAndWhatTheRuntimeUsed() {
        var response = ExecuteResponse.newBuilder()
                .setFailed(ExecutionFailed.newBuilder()
                        .setCode(ErrorCode.ERROR_CODE_RATE_LIMITED)
                        .setMessage("429 three times")
                        .setAttempts(3))
                .build();

        assertThat(RuntimeContract.event(response))
                .isEqualTo(new RuntimeEvent.Failed(ExecutionError.RATE_LIMITED, "429 three times", 3, 0));
    }

    @Test
    void attemptEventsAndTheCompletionNameTheModelTheyCalled() {
        var started = ExecuteResponse.newBuilder()
                .setAttemptStarted(AttemptStarted.newBuilder().setAttempt(4).setModelIndex(1))
                .build();
        var failed = ExecuteResponse.newBuilder()
                .setAttemptFailed(AttemptFailed.newBuilder()
                        .setAttempt(3)
                        .setModelIndex(0)
                        .setCode(ErrorCode.ERROR_CODE_FIRST_TOKEN_TIMEOUT)
                        .setMessage("late"))
                .build();
        var completed = ExecuteResponse.newBuilder()
                .setCompleted(ExecutionCompleted.newBuilder()
                        .setOutput("ok")
                        .setFinishReason(dev.promptline.runtime.v1.FinishReason.FINISH_REASON_STOP)
                        .setAttempts(4)
                        .setModelIndex(1))
                .build();

        assertThat(RuntimeContract.event(started)).isEqualTo(new RuntimeEvent.AttemptStarted(4, 1));
        assertThat(RuntimeContract.event(failed))
                .isEqualTo(new RuntimeEvent.AttemptFailed(3, 0, ExecutionError.FIRST_TOKEN_TIMEOUT, "late"));
        assertThat(RuntimeContract.event(completed))
                .isEqualTo(new RuntimeEvent.Completed("ok", FinishReason.STOP, 0, 0, 4, 1));
    }

    @Test
    void aCallThatEndedWithoutAnOutcomeIsNamedByItsStatus() {
        assertThat(RuntimeContract.callFailed(Status.DEADLINE_EXCEEDED).error()).isEqualTo(ExecutionError.TIMEOUT);
        assertThat(RuntimeContract.callFailed(Status.CANCELLED).error()).isEqualTo(ExecutionError.CANCELLED);
        assertThat(RuntimeContract.callFailed(Status.UNAVAILABLE.withDescription("connection refused")))
                .isEqualTo(new RuntimeEvent.CallFailed(
                        ExecutionError.RUNTIME_UNAVAILABLE, "The agent runtime is not reachable: connection refused"));
        assertThat(Arrays.stream(Status.Code.values())
                        .filter(code -> code != Status.Code.DEADLINE_EXCEEDED
                                && code != Status.Code.CANCELLED
                                && code != Status.Code.UNAVAILABLE)
                        .map(code -> RuntimeContract.callFailed(code.toStatus()).error()))
                .containsOnly(ExecutionError.INTERNAL);
    }

    @Test
    void onlyTimeoutsTimeOutAndOnlyACancelCancels() {
        for (ExecutionError error : ExecutionError.values()) {
            ExecutionStatus expected = switch (error) {
                case TIMEOUT, FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT -> ExecutionStatus.TIMED_OUT;
                case CANCELLED -> ExecutionStatus.CANCELLED;
                default -> ExecutionStatus.FAILED;
            };
            assertThat(error.status()).as(error.name()).isEqualTo(expected);
        }
    }

    @Test
    void aNameWrittenByANewerVersionReadsAsInternalNotAsAnError() {
        assertThat(ExecutionError.fromValue("quota_exceeded")).isEqualTo(ExecutionError.INTERNAL);
        assertThat(FinishReason.fromValue("tool_calls")).isEqualTo(FinishReason.OTHER);
    }
}
