package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Many streams at once through one runtime and one provider: every execution gets its own tokens, in order, and ends
 * once. Correctness under load only; the speed figures come from the benchmark in bench/.
 */
class ConcurrentExecutionsTest {
    private static final int EXECUTIONS = 200;

    @Test
    void twoHundredConcurrentStreamsEachCompleteWithTheirOwnOutput() throws Exception {
        var settings = new RuntimeSettings(
                List.of("127.0.0.1"), Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofSeconds(1));
        try (var provider = FakeProvider.openAi();
                var runtime = TestRuntime.start(TestRuntime.Transport.NETTY, AgentRuntime.grpcService(settings));
                var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            // Tokens spaced out so that all streams are open at the same time.
            provider.setDefault(
                    Reply.stream("answer", " for", " ", Reply.MODEL, ".").tokenInterval(Duration.ofMillis(20)));

            List<Future<List<ExecuteResponse>>> runs = IntStream.range(0, EXECUTIONS)
                    .mapToObj(index -> callers.submit(() -> runtime.execute(request(provider, "model-" + index))))
                    .toList();

            for (int index = 0; index < EXECUTIONS; index++) {
                List<ExecuteResponse> events = runs.get(index).get();
                String expected = "answer for model-" + index + ".";
                String streamed = String.join(
                        "",
                        events.stream()
                                .filter(ExecuteResponse::hasTokenDelta)
                                .map(event -> event.getTokenDelta().getText())
                                .toList());
                assertThat(streamed).as("streamed by %s", events.getLast()).isEqualTo(expected);
                assertThat(events.getLast().getCompleted().getOutput()).isEqualTo(expected);
                assertThat(events.stream().filter(event -> event.hasCompleted() || event.hasFailed()))
                        .hasSize(1);
            }
            assertThat(provider.requestCount()).isEqualTo(EXECUTIONS);
        }
    }

    private static ExecuteRequest request(FakeProvider provider, String model) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_OPENAI)
                        .setModelName(model)
                        .setBaseUrl(provider.baseUrl())
                        .setCredential(Credential.newBuilder().setApiKey("test-key")))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Which model are you?"))
                .build();
    }
}
