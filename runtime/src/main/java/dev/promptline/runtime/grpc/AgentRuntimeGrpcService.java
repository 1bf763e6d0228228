package dev.promptline.runtime.grpc;

import com.google.protobuf.Timestamp;
import dev.promptline.runtime.graph.EventSink;
import dev.promptline.runtime.graph.ExecutionState;
import dev.promptline.runtime.graph.SinglePromptGraph;
import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ExecutionCompleted;
import dev.promptline.runtime.v1.ExecutionFailed;
import dev.promptline.runtime.v1.ExecutionStarted;
import dev.promptline.runtime.v1.FinishReason;
import dev.promptline.runtime.v1.NodeCompleted;
import dev.promptline.runtime.v1.NodeStarted;
import dev.promptline.runtime.v1.TokenDelta;
import dev.promptline.runtime.v1.Usage;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract's adapter: validates, runs the graph, and writes its events to the stream. Blocking is intended:
 * the server runs each call on its own virtual thread. A cancelled call cancels the run, which aborts the model call.
 */
public final class AgentRuntimeGrpcService extends AgentRuntimeServiceGrpc.AgentRuntimeServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(AgentRuntimeGrpcService.class);

    private final Map<ModelCall.Provider, ChatModelClient> clients;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public AgentRuntimeGrpcService(Map<ModelCall.Provider, ChatModelClient> clients) {
        this.clients = Map.copyOf(clients);
    }

    @Override
    public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> responses) {
        var stream = (ServerCallStreamObserver<ExecuteResponse>) responses;
        ModelCall call;
        try {
            call = ExecuteRequestMapper.toModelCall(request);
        } catch (IllegalArgumentException e) {
            stream.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        String executionId = request.getExecutionId();
        if (!running.add(executionId)) {
            stream.onError(Status.ALREADY_EXISTS
                    .withDescription("Execution %s is already running".formatted(executionId))
                    .asRuntimeException());
            return;
        }
        var cancellation = new Cancellation();
        // Not setOnCancelHandler: that callback is serialised behind this very method, which blocks until the run
        // ends. The call's Context is cancelled straight from the transport when the caller cancels, disconnects
        // or its deadline passes, so the listener aborts the model call at once.
        Context.current().addListener(context -> cancellation.cancel(), Runnable::run);
        // With a handler set, writes racing a cancellation are dropped by gRPC instead of throwing.
        stream.setOnCancelHandler(() -> {});
        var events = new StreamEvents(stream);
        long start = System.nanoTime();
        try {
            events.send(ExecuteResponse.newBuilder()
                    .setStarted(ExecutionStarted.newBuilder()
                            .setExecutionId(executionId)
                            .setStartedAt(timestamp(Instant.now())))
                    .build());
            ChatModelClient client = clients.get(call.provider());
            if (client == null) {
                throw new ModelCallException(
                        ModelCallException.Kind.INVALID_REQUEST,
                        "Provider %s is not available in this runtime".formatted(call.provider()),
                        false);
            }
            ExecutionState state = SinglePromptGraph.run(call, client, events, cancellation);
            events.send(ExecuteResponse.newBuilder()
                    .setCompleted(ExecutionCompleted.newBuilder()
                            .setOutput(state.output())
                            .setFinishReason(finishReason(state.finishReason()))
                            .setUsage(Usage.newBuilder()
                                    .setInputTokens(state.inputTokens())
                                    .setOutputTokens(state.outputTokens()))
                            .setAttempts(1))
                    .build());
            log.atInfo()
                    .setMessage("Execution {} succeeded")
                    .addArgument(executionId)
                    .addKeyValue("execution.id", executionId)
                    .addKeyValue("execution.provider", call.provider())
                    .addKeyValue("execution.model", call.modelName())
                    .addKeyValue("execution.status", "succeeded")
                    .addKeyValue("execution.outputTokens", state.outputTokens())
                    .addKeyValue("execution.latencyMs", (System.nanoTime() - start) / 1_000_000)
                    .log();
        } catch (ModelCallException e) {
            events.send(ExecuteResponse.newBuilder()
                    .setFailed(ExecutionFailed.newBuilder()
                            .setCode(errorCode(e.kind()))
                            .setMessage(e.getMessage())
                            .setRetryable(e.retryable())
                            .setAttempts(1))
                    .build());
            log.info("Execution {} failed: {} {}", executionId, e.kind(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Execution {} failed inside the runtime", executionId, e);
            events.send(ExecuteResponse.newBuilder()
                    .setFailed(ExecutionFailed.newBuilder()
                            .setCode(ErrorCode.ERROR_CODE_INTERNAL)
                            .setMessage("The runtime failed; see its logs for execution " + executionId)
                            .setAttempts(1))
                    .build());
        } finally {
            running.remove(executionId);
        }
        events.complete();
    }

    private static ErrorCode errorCode(ModelCallException.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> ErrorCode.ERROR_CODE_INVALID_REQUEST;
            case AUTH_FAILED -> ErrorCode.ERROR_CODE_AUTH_FAILED;
            case RATE_LIMITED -> ErrorCode.ERROR_CODE_RATE_LIMITED;
            case PROVIDER_UNAVAILABLE -> ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE;
            case TIMEOUT -> ErrorCode.ERROR_CODE_TIMEOUT;
            case CANCELLED -> ErrorCode.ERROR_CODE_CANCELLED;
            case ADDRESS_FORBIDDEN -> ErrorCode.ERROR_CODE_ADDRESS_FORBIDDEN;
            case INTERNAL -> ErrorCode.ERROR_CODE_INTERNAL;
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

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    /** Writes events to the stream; after the caller cancelled, writes are dropped instead of failing. */
    private static final class StreamEvents implements EventSink {
        private final ServerCallStreamObserver<ExecuteResponse> stream;

        StreamEvents(ServerCallStreamObserver<ExecuteResponse> stream) {
            this.stream = stream;
        }

        // onNext is not thread-safe; node callbacks and the adapter may write from different threads.
        synchronized void send(ExecuteResponse event) {
            if (!stream.isCancelled()) {
                stream.onNext(event);
            }
        }

        synchronized void complete() {
            if (!stream.isCancelled()) {
                stream.onCompleted();
            }
        }

        @Override
        public void nodeStarted(String node) {
            send(ExecuteResponse.newBuilder()
                    .setNodeStarted(NodeStarted.newBuilder().setNode(node))
                    .build());
        }

        @Override
        public void tokenDelta(String text) {
            send(ExecuteResponse.newBuilder()
                    .setTokenDelta(TokenDelta.newBuilder().setText(text))
                    .build());
        }

        @Override
        public void nodeCompleted(String node) {
            send(ExecuteResponse.newBuilder()
                    .setNodeCompleted(NodeCompleted.newBuilder().setNode(node))
                    .build());
        }
    }
}
