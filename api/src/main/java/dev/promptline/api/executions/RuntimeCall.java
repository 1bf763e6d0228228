package dev.promptline.api.executions;

import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One Execute call to the runtime, read by one thread at its own pace. Inbound flow control is manual: the runtime
 * sends a few events ahead and then waits until the reader takes them, so a slow SSE client holds back the stream
 * instead of filling memory.
 *
 * <p>The output is collected as it arrives, on the call's event thread. A reader that does not watch tokens (a plain
 * JSON answer, an experiment) is not handed the deltas at all: it would be woken for every token of a paced answer
 * only to append it, and it reads the output at the end instead.
 */
final class RuntimeCall {
    /** Events the runtime may send ahead of the reader. */
    private static final int WINDOW = 32;

    private final BlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();
    private final StreamedOutput output = new StreamedOutput();
    private final boolean handsOutTokens;
    private final long startNanos = System.nanoTime();
    private volatile @Nullable ClientCallStreamObserver<ExecuteRequest> call;

    private RuntimeCall(boolean handsOutTokens) {
        this.handsOutTokens = handsOutTokens;
    }

    /**
     * Starts the call; its deadline bounds the whole execution.
     *
     * @param handsOutTokens whether {@link #next} returns the token deltas; they are in {@link #output()} either way
     */
    static RuntimeCall start(ManagedChannel channel, ExecuteRequest request, Duration timeout, boolean handsOutTokens) {
        var runtimeCall = new RuntimeCall(handsOutTokens);
        AgentRuntimeServiceGrpc.newStub(channel)
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .execute(request, runtimeCall.new Observer());
        return runtimeCall;
    }

    /** The next event, or null when none came within {@code wait}. */
    @Nullable
    RuntimeEvent next(Duration wait) throws InterruptedException {
        RuntimeEvent event = events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        var current = call;
        if (event != null && current != null) {
            current.request(1);
        }
        return event;
    }

    /** {@link System#nanoTime()} when the call was started: where latency and time to first token count from. */
    long startNanos() {
        return startNanos;
    }

    /** What the runtime streamed so far. */
    StreamedOutput output() {
        return output;
    }

    /** Cancels the call: the runtime stops the graph and aborts the provider request. */
    void cancel(String reason) {
        var current = call;
        if (current != null) {
            current.cancel(reason, null);
        }
    }

    private final class Observer implements ClientResponseObserver<ExecuteRequest, ExecuteResponse> {
        @Override
        public void beforeStart(ClientCallStreamObserver<ExecuteRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(WINDOW);
            call = requestStream;
        }

        @Override
        public void onNext(ExecuteResponse response) {
            RuntimeEvent event = RuntimeContract.event(response);
            if (event instanceof RuntimeEvent.TokenDelta delta) {
                output.append(delta.text());
            }
            if (event != null && (handsOutTokens || !(event instanceof RuntimeEvent.TokenDelta))) {
                events.add(event);
            } else {
                // Not handed to the reader, so ask for the next one here.
                requireCall().request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            events.add(RuntimeContract.callFailed(Status.fromThrowable(error)));
        }

        @Override
        public void onCompleted() {
            // The terminal event came before; a stream that ends without one is a broken runtime.
            events.add(RuntimeContract.callFailed(Status.OK));
        }

        private ClientCallStreamObserver<ExecuteRequest> requireCall() {
            var current = call;
            if (current == null) {
                throw new IllegalStateException("the call has not started");
            }
            return current;
        }
    }
}
