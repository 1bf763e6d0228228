package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.runtime.llm.EchoChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.FinishReason;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract as a caller sees it, over both transports the api uses: in-process (the embedded default) and Netty
 * on a loopback port (the sidecar). The same tests run on each.
 */
class AgentRuntimeContractTest {
    enum Transport {
        IN_PROCESS,
        NETTY
    }

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void shutDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anEchoExecutionStreamsItsTokensBetweenStartedAndExactlyOneTerminalEvent(Transport transport)
            throws IOException {
        var runtime = connect(transport);
        String id = UUID.randomUUID().toString();

        List<ExecuteResponse> events = new ArrayList<>();
        runtime.withDeadlineAfter(10, TimeUnit.SECONDS)
                .execute(echo(id, "Classify this ticket: refund please"))
                .forEachRemaining(events::add);

        assertThat(events.getFirst().getStarted().getExecutionId()).isEqualTo(id);
        assertThat(events.get(1).getNodeStarted().getNode()).isEqualTo("call_model");
        assertThat(events.get(2).getAttemptStarted().getAttempt()).isEqualTo(1);
        String streamed = String.join(
                "",
                events.stream()
                        .filter(ExecuteResponse::hasTokenDelta)
                        .map(event -> event.getTokenDelta().getText())
                        .toList());
        assertThat(streamed).isEqualTo("Classify this ticket: refund please");
        assertThat(events.stream().filter(ExecuteResponse::hasTokenDelta)).hasSize(5);
        assertThat(events.stream().filter(event -> event.hasCompleted() || event.hasFailed()))
                .hasSize(1);
        var completed = events.getLast().getCompleted();
        assertThat(completed.getOutput()).isEqualTo(streamed);
        assertThat(completed.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(completed.getUsage().getOutputTokens()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMalformedRequestIsAnInvalidArgumentStatusNotAFailedExecution(Transport transport) throws IOException {
        var runtime = connect(transport).withDeadlineAfter(10, TimeUnit.SECONDS);
        var noMessages = ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder().setProvider(Provider.PROVIDER_ECHO))
                .build();
        var noProvider = echo(UUID.randomUUID().toString(), "hi").toBuilder()
                .setModel(ModelSpec.newBuilder().setModelName("gpt-4o-mini"))
                .build();

        assertInvalidArgument(() -> runtime.execute(noMessages).forEachRemaining(event -> {}), "messages");
        assertInvalidArgument(() -> runtime.execute(noProvider).forEachRemaining(event -> {}), "model.provider");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCallWithoutADeadlineIsRefusedBeforeItStarts(Transport transport) throws IOException {
        var runtime = connect(transport);

        assertInvalidArgument(
                () -> runtime.execute(echo(UUID.randomUUID().toString(), "hi")).forEachRemaining(event -> {}),
                "deadline");
    }

    private static void assertInvalidArgument(ThrowingCallable call, String mentioning) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(mentioning);
        });
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aProviderThisRuntimeCannotCallFailsTheExecutionWithoutRetry(Transport transport) throws IOException {
        var runtime = connect(transport);
        var request = echo(UUID.randomUUID().toString(), "hi").toBuilder()
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_OPENAI)
                        .setModelName("gpt-4o-mini"))
                .build();

        List<ExecuteResponse> events = new ArrayList<>();
        runtime.withDeadlineAfter(10, TimeUnit.SECONDS).execute(request).forEachRemaining(events::add);

        var failed = events.getLast().getFailed();
        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_REQUEST);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(events.stream().filter(event -> event.hasCompleted() || event.hasFailed()))
                .hasSize(1);
    }

    private AgentRuntimeServiceGrpc.AgentRuntimeServiceBlockingStub connect(Transport transport) throws IOException {
        var service = new AgentRuntimeGrpcService(Map.of(ModelCall.Provider.ECHO, new EchoChatModelClient()));
        switch (transport) {
            case IN_PROCESS -> {
                String name = "runtime-" + UUID.randomUUID();
                server = InProcessServerBuilder.forName(name)
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .addService(service)
                        .build()
                        .start();
                channel = InProcessChannelBuilder.forName(name).build();
            }
            case NETTY -> {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .addService(service)
                        .build()
                        .start();
                channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                        .usePlaintext()
                        .build();
            }
        }
        return AgentRuntimeServiceGrpc.newBlockingStub(channel);
    }

    private static ExecuteRequest echo(String executionId, String prompt) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(executionId)
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_ECHO)
                        .setModelName("echo"))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent(prompt))
                .build();
    }
}
