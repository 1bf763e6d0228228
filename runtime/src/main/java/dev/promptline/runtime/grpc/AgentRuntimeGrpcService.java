package dev.promptline.runtime.grpc;

import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.graph.ExecutionState;
import dev.promptline.runtime.graph.SinglePromptGraph;
import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
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
    private final int defaultMaxAttempts;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Map<String, Cancellation> cancellations = new ConcurrentHashMap<>();

    public AgentRuntimeGrpcService(Map<ModelCall.Provider, ChatModelClient> clients) {
        this(clients, RuntimeSettings.DEFAULTS.maxAttempts());
    }

    public AgentRuntimeGrpcService(Map<ModelCall.Provider, ChatModelClient> clients, int defaultMaxAttempts) {
        this.clients = Map.copyOf(clients);
        this.defaultMaxAttempts = defaultMaxAttempts;
    }

    @Override
    public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> responses) {
        var stream = (ServerCallStreamObserver<ExecuteResponse>) responses;
        Context context = Context.current();
        List<ModelCall> models;
        try {
            models = ExecuteRequestMapper.toModelCalls(request, defaultMaxAttempts, context.getDeadline());
        } catch (IllegalArgumentException e) {
            ExecutionLog.refused(request, "invalid_request", e.getMessage());
            stream.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        String executionId = request.getExecutionId();
        if (!running.add(executionId)) {
            String reason = "Execution %s is already running".formatted(executionId);
            ExecutionLog.refused(request, "already_running", reason);
            stream.onError(Status.ALREADY_EXISTS.withDescription(reason).asRuntimeException());
            return;
        }
        try {
            run(executionId, models, stream, context);
        } finally {
            running.remove(executionId);
        }
    }

    /**
     * Stops every execution still running because the runtime is stopping: each ends with a {@code failed} event
     * ({@code ERROR_CODE_SHUTDOWN}, the attempts and usage so far), which cancelling the calls would not send.
     */
    public void endRunning() {
        cancellations.values().forEach(cancellation -> cancellation.cancel(Cancellation.Reason.SHUTTING_DOWN));
    }

    private void run(
            String executionId,
            List<ModelCall> models,
            ServerCallStreamObserver<ExecuteResponse> stream,
            Context context) {
        var cancellation = new Cancellation();
        cancellations.put(executionId, cancellation);
        try {
            run(executionId, models, stream, context, cancellation);
        } finally {
            cancellations.remove(executionId);
        }
    }

    private void run(
            String executionId,
            List<ModelCall> models,
            ServerCallStreamObserver<ExecuteResponse> stream,
            Context context,
            Cancellation cancellation) {
        ModelCall call = models.getFirst();
        // Not setOnCancelHandler: that callback is serialised behind this very method, which blocks until the run
        // ends. The call's Context is cancelled straight from the transport when the caller cancels, disconnects
        // or its deadline passes, so the listener aborts the model call at once. It runs on a virtual thread of its
        // own rather than on the cancelling thread (Netty's event loop for the sidecar), which it could then hold.
        context.addListener(
                cancelled -> cancellation.cancel(
                        isExpired(cancelled.getDeadline())
                                ? Cancellation.Reason.DEADLINE_PASSED
                                : Cancellation.Reason.CALLER_CANCELLED),
                Thread::startVirtualThread);
        // With a handler set, writes racing a cancellation are dropped by gRPC instead of throwing.
        stream.setOnCancelHandler(() -> {});
        var events = new StreamEvents(stream);
        events.started(executionId);
        try {
            ExecutionState state = SinglePromptGraph.run(models, this::client, events, cancellation);
            events.completed(state);
            ExecutionLog.succeeded(executionId, models.get(state.modelIndex()), state, events);
        } catch (ModelCallException e) {
            events.failed(e);
            ExecutionLog.failed(executionId, models.get(events.lastModelIndex()), e, events);
        } catch (RuntimeException e) {
            log.error("Execution {} failed inside the runtime", executionId, e);
            var internal = new ModelCallException(
                    ModelCallException.Kind.INTERNAL,
                    "The runtime failed; see its logs for execution " + executionId,
                    false);
            events.failed(internal);
            ExecutionLog.failed(executionId, call, internal, events);
        }
        events.close();
    }

    private ChatModelClient client(ModelCall call) {
        ChatModelClient client = clients.get(call.provider());
        if (client == null) {
            throw new ModelCallException(
                    ModelCallException.Kind.INVALID_REQUEST,
                    "Provider %s is not available in this runtime".formatted(call.provider()),
                    false);
        }
        return client;
    }

    private static boolean isExpired(Deadline deadline) {
        return deadline != null && deadline.isExpired();
    }
}
