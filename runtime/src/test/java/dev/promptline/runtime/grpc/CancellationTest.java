package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A caller that cancels, or whose deadline passes, stops the model call; a running execution id is not run twice. */
class CancellationTest {
    private final EndlessModel model = new EndlessModel();
    private TestRuntime runtime;
    private ManagedChannel channel;

    private void start(TestRuntime.Transport transport) {
        runtime = TestRuntime.start(transport, new AgentRuntimeGrpcService(Map.of(ModelCall.Provider.ECHO, model)));
        channel = runtime.channel();
    }

    @AfterEach
    void stop() throws InterruptedException {
        model.release();
        runtime.close();
    }

    @ParameterizedTest
    @EnumSource(TestRuntime.Transport.class)
    void cancellingTheCallStopsTheModel(TestRuntime.Transport transport) {
        start(transport);
        var firstToken = new CountDownLatch(1);
        var call = new AtomicReference<ClientCallStreamObserver<ExecuteRequest>>();
        AgentRuntimeServiceGrpc.newStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .execute(request("cancel-me"), new ClientResponseObserver<ExecuteRequest, ExecuteResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ExecuteRequest> requestStream) {
                        call.set(requestStream);
                    }

                    @Override
                    public void onNext(ExecuteResponse event) {
                        if (event.hasTokenDelta()) {
                            firstToken.countDown();
                        }
                    }

                    @Override
                    public void onError(Throwable error) {}

                    @Override
                    public void onCompleted() {}
                });
        await().atMost(Duration.ofSeconds(5)).until(() -> firstToken.getCount() == 0);

        call.get().cancel("the user closed the page", null);

        await().atMost(Duration.ofSeconds(2)).untilTrue(model.cancelled);
    }

    @ParameterizedTest
    @EnumSource(TestRuntime.Transport.class)
    void aPassedDeadlineStopsTheModel(TestRuntime.Transport transport) {
        start(transport);
        var events = AgentRuntimeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .execute(request(UUID.randomUUID().toString()));
        // The model runs once its token has arrived; from then on only the deadline ends the call.
        while (!events.next().hasTokenDelta()) {
            // started and node events come first
        }

        assertThatThrownBy(() -> events.forEachRemaining(event -> {}))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        await().atMost(Duration.ofSeconds(2)).untilTrue(model.cancelled);
    }

    @ParameterizedTest
    @EnumSource(TestRuntime.Transport.class)
    void aRunningExecutionIdIsRefused(TestRuntime.Transport transport) {
        start(transport);
        String id = UUID.randomUUID().toString();
        var first = AgentRuntimeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .execute(request(id));
        first.next();

        var second = AgentRuntimeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .execute(request(id));

        try {
            second.forEachRemaining(event -> {});
            throw new AssertionError("a second run of a running execution id was accepted");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        }
    }

    private static ExecuteRequest request(String executionId) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(executionId)
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_ECHO)
                        .setModelName("endless"))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("go"))
                .build();
    }

    /** A model that streams a token, then waits until the execution is cancelled, and records that it was. */
    private static final class EndlessModel implements ChatModelClient {
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
            cancellation.onCancel(() -> {
                cancelled.set(true);
                released.countDown();
            });
            tokens.accept("first ");
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ModelCallException(ModelCallException.Kind.CANCELLED, "cancelled", false);
        }

        void release() {
            released.countDown();
        }
    }
}
