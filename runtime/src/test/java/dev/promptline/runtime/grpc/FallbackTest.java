package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.AttemptFailed;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ExecutionCompleted;
import dev.promptline.runtime.v1.ExecutionFailed;
import dev.promptline.runtime.v1.ExecutionLimits;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fallback models and the timeouts between tokens, over the contract against two fake OpenAI servers on loopback: the
 * execution's model and its fallback.
 */
class FallbackTest {
    private static final RuntimeSettings SETTINGS = new RuntimeSettings(
            List.of("127.0.0.1"),
            java.time.Duration.ofSeconds(2),
            2,
            java.time.Duration.ofMillis(1),
            java.time.Duration.ofSeconds(2));

    private FakeProvider primary;
    private FakeProvider fallback;
    private TestRuntime runtime;

    @BeforeEach
    void start() {
        primary = FakeProvider.openAi();
        fallback = FakeProvider.openAi();
        runtime = TestRuntime.start(TestRuntime.Transport.IN_PROCESS, AgentRuntime.grpcService(SETTINGS));
    }

    @AfterEach
    void stop() throws InterruptedException {
        runtime.close();
        primary.close();
        fallback.close();
    }

    @Test
    void aModelThatKeepsFailingFallsBackToTheNextAndEveryAttemptIsAnnounced() {
        primary.setDefault(Reply.serverError());
        fallback.enqueue(Reply.rateLimited(java.time.Duration.ZERO), Reply.stream("from", " fallback"));

        List<ExecuteResponse> events = runtime.execute(request());

        ExecutionCompleted completed = completed(events);
        assertThat(completed.getOutput()).isEqualTo("from fallback");
        assertThat(completed.getModelIndex()).isEqualTo(1);
        assertThat(completed.getAttempts()).isEqualTo(4);
        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(fallback.requestCount()).isEqualTo(2);
        assertThat(events.stream()
                        .filter(ExecuteResponse::hasAttemptStarted)
                        .map(event -> event.getAttemptStarted().getAttempt() + "@"
                                + event.getAttemptStarted().getModelIndex()))
                .containsExactly("1@0", "2@0", "3@1", "4@1");
        assertThat(events.stream()
                        .filter(ExecuteResponse::hasAttemptFailed)
                        .map(ExecuteResponse::getAttemptFailed)
                        .map(AttemptFailed::getCode))
                .containsExactly(
                        ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE,
                        ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE,
                        ErrorCode.ERROR_CODE_RATE_LIMITED);
    }

    @Test
    void aConnectionDroppedBeforeTheFirstTokenFallsBack() {
        primary.setDefault(Reply.hangUp());
        fallback.setDefault(Reply.stream("steady"));

        ExecutionCompleted completed = completed(runtime.execute(request()));

        assertThat(completed.getOutput()).isEqualTo("steady");
        assertThat(completed.getModelIndex()).isEqualTo(1);
        assertThat(primary.requestCount()).isEqualTo(2);
    }

    @Test
    void aConnectionDroppedAfterATokenEndsTheExecutionWithoutFallingBack() {
        primary.setDefault(Reply.stream("half", " an", " answer").dropAfter(1));
        fallback.setDefault(Reply.stream("never"));

        ExecutionFailed failed = failed(runtime.execute(request()));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
        assertThat(failed.getAttempts()).isEqualTo(1);
        assertThat(fallback.requestCount()).isZero();
    }

    @Test
    void aBadRequestDoesNotFallBack() {
        primary.setDefault(Reply.status(400, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}"));
        fallback.setDefault(Reply.stream("never"));

        ExecutionFailed failed = failed(runtime.execute(request()));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_REQUEST);
        assertThat(failed.getModelIndex()).isZero();
        assertThat(failed.getAttempts()).isEqualTo(1);
        assertThat(fallback.requestCount()).isZero();
    }

    @Test
    void aLateFirstTokenFallsBackToTheNextModel() {
        primary.setDefault(Reply.stream("late").firstTokenAfter(java.time.Duration.ofSeconds(10)));
        fallback.setDefault(Reply.stream("on", " time"));
        var request = request().toBuilder()
                .setLimits(ExecutionLimits.newBuilder().setFirstTokenTimeout(millis(1_000)))
                .build();

        ExecutionCompleted completed = completed(runtime.execute(request));

        assertThat(completed.getOutput()).isEqualTo("on time");
        assertThat(completed.getModelIndex()).isEqualTo(1);
        // Two late attempts at the primary (the provider may not have read the second before it was aborted).
        assertThat(completed.getAttempts()).isEqualTo(3);
    }

    @Test
    void aModelsOwnFirstTokenTimeoutOverridesTheExecutions() {
        primary.setDefault(Reply.stream("slow", " but", " fine").firstTokenAfter(java.time.Duration.ofMillis(400)));
        var request = request().toBuilder()
                .setModel(request().getModel().toBuilder().setFirstTokenTimeout(millis(5_000)))
                .setLimits(ExecutionLimits.newBuilder().setFirstTokenTimeout(millis(100)))
                .build();

        ExecutionCompleted completed = completed(runtime.execute(request));

        assertThat(completed.getModelIndex()).isZero();
        assertThat(fallback.requestCount()).isZero();
    }

    @Test
    void aStreamThatStallsBetweenTokensEndsAsAnIdleTimeoutWithoutFallingBack() {
        primary.setDefault(Reply.stream("one", " two", " three").tokenInterval(java.time.Duration.ofSeconds(3)));
        fallback.setDefault(Reply.stream("never"));
        var request = request().toBuilder()
                .setLimits(ExecutionLimits.newBuilder().setIdleTimeout(millis(300)))
                .build();

        List<ExecuteResponse> events = runtime.execute(request);

        ExecutionFailed failed = failed(events);
        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
        assertThat(failed.getAttempts()).isEqualTo(1);
        assertThat(fallback.requestCount()).isZero();
        assertThat(events.stream().filter(ExecuteResponse::hasTokenDelta)).isNotEmpty();
    }

    private ExecuteRequest request() {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(model(primary, "primary-model"))
                .addFallbackModels(model(fallback, "fallback-model"))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Classify: charged twice"))
                .build();
    }

    private static ModelSpec model(FakeProvider provider, String name) {
        return ModelSpec.newBuilder()
                .setProvider(Provider.PROVIDER_OPENAI)
                .setModelName(name)
                .setBaseUrl(provider.baseUrl())
                .setCredential(Credential.newBuilder().setApiKey("test-key"))
                .build();
    }

    private static Duration millis(int millis) {
        return Duration.newBuilder()
                .setSeconds(millis / 1000)
                .setNanos((millis % 1000) * 1_000_000)
                .build();
    }

    private static ExecutionCompleted completed(List<ExecuteResponse> events) {
        assertThat(events.getLast().hasCompleted())
                .as("ends with completed: %s", events.getLast())
                .isTrue();
        return events.getLast().getCompleted();
    }

    private static ExecutionFailed failed(List<ExecuteResponse> events) {
        assertThat(events.getLast().hasFailed())
                .as("ends with failed: %s", events.getLast())
                .isTrue();
        return events.getLast().getFailed();
    }
}
