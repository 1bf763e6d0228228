package dev.promptline.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptline.runtime.grpc.AgentRuntimeGrpcService;
import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.EchoChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelResult;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's server over a real loopback connection: health for load balancers and probes, and a graceful stop
 * that refuses new calls while running executions finish, within the grace period.
 */
class RuntimeServerTest {
    private static final String SERVICE = AgentRuntimeServiceGrpc.SERVICE_NAME;

    private final GatedModel model = new GatedModel();
    private RuntimeServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        server = RuntimeServer.start(0, new AgentRuntimeGrpcService(Map.of(ModelCall.Provider.ECHO, model)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        model.open();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ZERO);
    }

    @Test
    void healthIsServingForTheServerAndForTheRuntimeService() {
        assertThat(server.port()).isPositive();
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
        assertThat(check(SERVICE)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void executionsBlockedOnTheirModelDoNotHoldUpTheConnection() {
        // Every call of the one connection arrives on the same event loop; a handler left there would block the rest.
        List<Execution> blocked = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            blocked.add(new Execution(channel, request()));
        }
        blocked.forEach(Execution::awaitStarted);
        assertThat(check(SERVICE)).isEqualTo(ServingStatus.SERVING);

        model.open();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> blocked.stream()
                        .allMatch(execution -> execution.events.stream().anyMatch(ExecuteResponse::hasCompleted)));
    }

    @Test
    void stoppingRefusesNewCallsWhileARunningExecutionFinishes() {
        var running = new Execution(channel, request());
        running.awaitStarted();
        var watcher = new HealthWatcher(channel, SERVICE);
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.statuses.contains(ServingStatus.SERVING));

        var stopping = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(30)));

        await("health watchers hear NOT_SERVING first")
                .atMost(Duration.ofSeconds(5))
                .until(() -> watcher.statuses.contains(ServingStatus.NOT_SERVING));
        await("then new calls are refused")
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThatThrownBy(() -> check(SERVICE))
                        .isInstanceOfSatisfying(
                                StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
        assertThatThrownBy(() -> AgentRuntimeServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .execute(request())
                        .forEachRemaining(event -> {}))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(stopping).as("the running execution holds the stop").isNotDone();

        model.open();

        await().atMost(Duration.ofSeconds(10)).until(stopping::isDone);
        assertThat(running.error.get()).isNull();
        assertThat(running.events)
                .last()
                .satisfies(event ->
                        assertThat(event.hasCompleted()).as(event.toString()).isTrue());
    }

    @Test
    void anExecutionStillRunningAfterTheGracePeriodIsStoppedAndEndsAsShutdown() {
        var running = new Execution(channel, request());
        running.awaitStarted();

        server.stop(Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(5)).untilTrue(model.cancelled);
        await().atMost(Duration.ofSeconds(5)).untilTrue(running.ended);
        assertThat(running.events).noneMatch(ExecuteResponse::hasCompleted);
        assertThat(running.events.getLast().getFailed().getCode()).isEqualTo(ErrorCode.ERROR_CODE_SHUTDOWN);
    }

    private ServingStatus check(String service) {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build());
        return response.getStatus();
    }

    private static ExecuteRequest request() {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_ECHO)
                        .setModelName("gated"))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("slow answer"))
                .build();
    }

    /** One Execute call in flight, recording what it receives. */
    private static final class Execution implements StreamObserver<ExecuteResponse> {
        final List<ExecuteResponse> events = new CopyOnWriteArrayList<>();
        final AtomicReference<@Nullable Throwable> error = new AtomicReference<>();
        final AtomicBoolean ended = new AtomicBoolean();

        Execution(ManagedChannel channel, ExecuteRequest request) {
            AgentRuntimeServiceGrpc.newStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .execute(request, this);
        }

        void awaitStarted() {
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(ExecuteResponse::hasStarted));
        }

        @Override
        public void onNext(ExecuteResponse event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable failure) {
            error.set(failure);
        }

        @Override
        public void onCompleted() {
            ended.set(true);
        }
    }

    /** A Watch stream on the health service, recording every status it is told. */
    private static final class HealthWatcher implements StreamObserver<HealthCheckResponse> {
        final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();

        HealthWatcher(ManagedChannel channel, String service) {
            HealthGrpc.newStub(channel)
                    .watch(HealthCheckRequest.newBuilder().setService(service).build(), this);
        }

        @Override
        public void onNext(HealthCheckResponse response) {
            statuses.add(response.getStatus());
        }

        @Override
        public void onError(Throwable failure) {}

        @Override
        public void onCompleted() {}
    }

    /** The echo model behind a gate the test opens: an execution that runs exactly as long as the test wants. */
    private static final class GatedModel implements ChatModelClient {
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final CountDownLatch gate = new CountDownLatch(1);
        private final ChatModelClient echo = new EchoChatModelClient();

        @Override
        public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
            cancellation.onCancel(() -> {
                cancelled.set(true);
                gate.countDown();
            });
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Echo refuses to go on once the execution is cancelled.
            return echo.stream(call, tokens, cancellation);
        }

        void open() {
            gate.countDown();
        }
    }
}
