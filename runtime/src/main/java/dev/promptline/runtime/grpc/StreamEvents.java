package dev.promptline.runtime.grpc;

import com.google.protobuf.Timestamp;
import dev.promptline.runtime.graph.EventSink;
import dev.promptline.runtime.graph.ExecutionState;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.v1.AttemptFailed;
import dev.promptline.runtime.v1.AttemptStarted;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ExecutionCompleted;
import dev.promptline.runtime.v1.ExecutionFailed;
import dev.promptline.runtime.v1.ExecutionStarted;
import dev.promptline.runtime.v1.FinishReason;
import dev.promptline.runtime.v1.NodeCompleted;
import dev.promptline.runtime.v1.NodeStarted;
import dev.promptline.runtime.v1.TokenDelta;
import dev.promptline.runtime.v1.Usage;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.time.Instant;

/**
 * One execution's stream: domain to proto for events, and what the execution log needs (latency, time to first
 * token, deltas sent). After the caller cancelled, writes are dropped instead of failing.
 */
final class StreamEvents implements EventSink {
    private final ServerCallStreamObserver<ExecuteResponse> stream;
    private final long startNanos = System.nanoTime();
    private long firstTokenNanos;
    private int deltas;
    private volatile int lastModelIndex;

    StreamEvents(ServerCallStreamObserver<ExecuteResponse> stream) {
        this.stream = stream;
    }

    void started(String executionId) {
        Instant now = Instant.now();
        send(ExecuteResponse.newBuilder()
                .setStarted(ExecutionStarted.newBuilder()
                        .setExecutionId(executionId)
                        .setStartedAt(Timestamp.newBuilder()
                                .setSeconds(now.getEpochSecond())
                                .setNanos(now.getNano())))
                .build());
    }

    @Override
    public void nodeStarted(String node) {
        send(ExecuteResponse.newBuilder()
                .setNodeStarted(NodeStarted.newBuilder().setNode(node))
                .build());
    }

    @Override
    public void tokenDelta(String text) {
        if (deltas++ == 0) {
            firstTokenNanos = System.nanoTime();
        }
        send(ExecuteResponse.newBuilder()
                .setTokenDelta(TokenDelta.newBuilder().setText(text))
                .build());
    }

    @Override
    public void attemptStarted(int attempt, int modelIndex) {
        lastModelIndex = modelIndex;
        send(ExecuteResponse.newBuilder()
                .setAttemptStarted(
                        AttemptStarted.newBuilder().setAttempt(attempt).setModelIndex(modelIndex))
                .build());
    }

    @Override
    public void attemptFailed(int attempt, int modelIndex, ModelCallException failure) {
        send(ExecuteResponse.newBuilder()
                .setAttemptFailed(AttemptFailed.newBuilder()
                        .setAttempt(attempt)
                        .setModelIndex(modelIndex)
                        .setCode(errorCode(failure.kind()))
                        .setMessage(failure.getMessage()))
                .build());
    }

    @Override
    public void nodeCompleted(String node) {
        send(ExecuteResponse.newBuilder()
                .setNodeCompleted(NodeCompleted.newBuilder().setNode(node))
                .build());
    }

    void completed(ExecutionState state) {
        send(ExecuteResponse.newBuilder()
                .setCompleted(ExecutionCompleted.newBuilder()
                        .setOutput(state.output())
                        .setFinishReason(finishReason(state.finishReason()))
                        .setUsage(Usage.newBuilder()
                                .setInputTokens(state.inputTokens())
                                .setOutputTokens(state.outputTokens()))
                        .setTimeToFirstToken(duration(timeToFirstToken()))
                        .setAttempts(state.attempts())
                        .setModelIndex(state.modelIndex()))
                .build());
    }

    void failed(ModelCallException failure) {
        var failed = ExecutionFailed.newBuilder()
                .setCode(errorCode(failure.kind()))
                .setMessage(failure.getMessage())
                .setRetryable(failure.retryable())
                .setAttempts(failure.attempts())
                .setModelIndex(lastModelIndex);
        if (deltas > 0) {
            // A broken stream has no usage report; each delta the provider sent is one token of output.
            failed.setUsage(Usage.newBuilder().setOutputTokens(deltas));
        }
        send(ExecuteResponse.newBuilder().setFailed(failed).build());
    }

    synchronized void close() {
        if (!stream.isCancelled()) {
            stream.onCompleted();
        }
    }

    Duration latency() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Zero when no token came. */
    Duration timeToFirstToken() {
        return deltas == 0 ? Duration.ZERO : Duration.ofNanos(firstTokenNanos - startNanos);
    }

    int deltas() {
        return deltas;
    }

    /** The model of the last attempt begun: 0 for the execution's, n for its n-th fallback. */
    int lastModelIndex() {
        return lastModelIndex;
    }

    // onNext is not thread-safe; node callbacks and the adapter may write from different threads.
    private synchronized void send(ExecuteResponse event) {
        if (!stream.isCancelled()) {
            stream.onNext(event);
        }
    }

    private static ErrorCode errorCode(ModelCallException.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> ErrorCode.ERROR_CODE_INVALID_REQUEST;
            case AUTH_FAILED -> ErrorCode.ERROR_CODE_AUTH_FAILED;
            case RATE_LIMITED -> ErrorCode.ERROR_CODE_RATE_LIMITED;
            case PROVIDER_UNAVAILABLE -> ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE;
            case TIMEOUT -> ErrorCode.ERROR_CODE_TIMEOUT;
            case FIRST_TOKEN_TIMEOUT -> ErrorCode.ERROR_CODE_FIRST_TOKEN_TIMEOUT;
            case IDLE_TIMEOUT -> ErrorCode.ERROR_CODE_IDLE_TIMEOUT;
            case CANCELLED -> ErrorCode.ERROR_CODE_CANCELLED;
            case ADDRESS_FORBIDDEN -> ErrorCode.ERROR_CODE_ADDRESS_FORBIDDEN;
            case INTERNAL -> ErrorCode.ERROR_CODE_INTERNAL;
            case SHUTDOWN -> ErrorCode.ERROR_CODE_SHUTDOWN;
        };
    }

    private static FinishReason finishReason(String reason) {
        return switch (reason) {
            case "stop" -> FinishReason.FINISH_REASON_STOP;
            case "length" -> FinishReason.FINISH_REASON_LENGTH;
            case "content_filter" -> FinishReason.FINISH_REASON_CONTENT_FILTER;
            default -> FinishReason.FINISH_REASON_OTHER;
        };
    }

    private static com.google.protobuf.Duration duration(Duration duration) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(duration.getSeconds())
                .setNanos(duration.getNano())
                .build();
    }
}
