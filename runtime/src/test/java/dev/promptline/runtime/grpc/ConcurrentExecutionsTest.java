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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many streams at once through one runtime and one provider: every execution gets its own tokens, in order, and ends
 * once. Correctness under load only; the speed figures come from the benchmark in bench/.
 */
class ConcurrentExecutionsTest {
    private static final int EXECUTIONS = 200;

    @ParameterizedTest
    @EnumSource(TestRuntime.Transport.class)
    void twoHundredConcurrentStreamsEachCompleteWithTheirOwnOutput(TestRuntime.Transport transport) throws Exception {
        var settings = new RuntimeSettings(
                List.of("127.0.0.1"), Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofSeconds(1));
        try (var provider = FakeProvider.openAi();
                var runtime = TestRuntime.start(transport, AgentRuntime.grpcService(settings));
                var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            // No answer starts before every request has arrived: all streams are open together.
            provider.holdAnswersUntil(EXECUTIONS, Duration.ofSeconds(60));
            provider.setDefault(
                    Reply.stream("answer", " for", " ", Reply.MODEL, ".").tokenInterval(Duration.ofMillis(20)));
            Queue<FakeProvider.StreamTiming> streams = new ConcurrentLinkedQueue<>();
            provider.onStreamTiming(streams::add);

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
            // Run one after the other, they would all pass too: the provider had all of them open at once.
            assertThat(mostOpenAtOnce(streams)).isEqualTo(EXECUTIONS);
        }
    }

    /** The most streams the provider had between a request's arrival and its ending at any one moment. */
    private static int mostOpenAtOnce(Collection<FakeProvider.StreamTiming> streams) {
        // +1 at each arrival, -1 at each ending; an ending sorts before an arrival at the same instant.
        List<long[]> changes = new ArrayList<>();
        for (FakeProvider.StreamTiming stream : streams) {
            changes.add(new long[] {stream.received(), 1});
            changes.add(new long[] {stream.ending(), -1});
        }
        changes.sort(Comparator.<long[]>comparingLong(change -> change[0]).thenComparingLong(change -> change[1]));
        int open = 0;
        int most = 0;
        for (long[] change : changes) {
            open += (int) change[1];
            most = Math.max(most, open);
        }
        return most;
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
