package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ErrorCode;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ExecutionCompleted;
import dev.promptline.runtime.v1.ExecutionFailed;
import dev.promptline.runtime.v1.ExecutionLimits;
import dev.promptline.runtime.v1.FinishReason;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import dev.promptline.runtime.v1.SamplingParameters;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime against fake OpenAI and Anthropic servers on loopback, over both transports the api uses: a normal
 * stream, every failure mode a provider has, retries, timeouts, and cancellation reaching the provider's socket.
 */
class ProviderStreamingTest {
    private static final RuntimeSettings SETTINGS = new RuntimeSettings(
            List.of("127.0.0.1"), Duration.ofSeconds(2), 3, Duration.ofMillis(1), Duration.ofSeconds(2));

    enum Dialect {
        OPENAI,
        ANTHROPIC
    }

    private FakeProvider provider;
    private TestRuntime runtime;

    static Stream<Arguments> dialectsAndTransports() {
        return Stream.of(Dialect.values())
                .flatMap(dialect ->
                        Stream.of(TestRuntime.Transport.values()).map(transport -> Arguments.of(dialect, transport)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        runtime.close();
        provider.close();
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void streamsTheProvidersTokensAndReportsItsUsage(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.stream("Refund", " request", ": billing").inputTokens(21));

        List<ExecuteResponse> events = runtime.execute(request(dialect));

        assertThat(tokens(events)).containsExactly("Refund", " request", ": billing");
        ExecutionCompleted completed = completed(events);
        assertThat(completed.getOutput()).isEqualTo("Refund request: billing");
        assertThat(completed.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(completed.getUsage().getInputTokens()).isEqualTo(21);
        assertThat(completed.getUsage().getOutputTokens()).isEqualTo(3);
        assertThat(completed.getAttempts()).isEqualTo(1);
        assertThat(completed.getTimeToFirstToken().getSeconds()
                        + completed.getTimeToFirstToken().getNanos())
                .isPositive();

        var sent = provider.requests().getFirst();
        assertThat(sent.body()).contains("Classify: I was charged twice").contains("support-model");
        assertThat(sent.body()).contains("0.2");
        switch (dialect) {
            case OPENAI -> assertThat(sent.header("authorization")).isEqualTo("Bearer test-key");
            case ANTHROPIC -> assertThat(sent.header("x-api-key")).isEqualTo("test-key");
        }
    }

    static Stream<Arguments> openAiTransports() {
        return Stream.of(TestRuntime.Transport.values()).map(transport -> Arguments.of(Dialect.OPENAI, transport));
    }

    // OpenAI only: LangChain4j settles an Anthropic answer at message_stop, before the stream's last chunk, and the
    // attempt then aborts what is left of the stream, closing the connection (as it did when the stream was read by
    // LangChain4j's parser); whether that connection survives depends on which comes first.
    @ParameterizedTest
    @MethodSource("openAiTransports")
    void reusesTheProviderConnectionForTheNextExecution(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);

        for (int i = 0; i < 5; i++) {
            assertThat(completed(runtime.execute(request(dialect))).getOutput())
                    .isEqualTo("Hello from the fake provider");
        }

        // An attempt that ends aborts what it still has open; a stream read to its end must not count, or every
        // execution would pay for a new connection.
        assertThat(provider.connectionCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void reportsALengthLimitedAnswer(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.stream("cut", " short").finishWithLength());

        assertThat(completed(runtime.execute(request(dialect))).getFinishReason())
                .isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void retriesARateLimitAfterTheProvidersRetryAfter(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.rateLimited(Duration.ofSeconds(1)), Reply.stream("ok"));
        long start = System.nanoTime();

        ExecutionCompleted completed = completed(runtime.execute(request(dialect)));

        assertThat(completed.getOutput()).isEqualTo("ok");
        assertThat(completed.getAttempts()).isEqualTo(2);
        assertThat(provider.requestCount()).isEqualTo(2);
        // Retry-After: 1 was honoured, not the 1 ms backoff.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void retriesAServerError(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.serverError(), Reply.stream("recovered"));

        ExecutionCompleted completed = completed(runtime.execute(request(dialect)));

        assertThat(completed.getOutput()).isEqualTo("recovered");
        assertThat(completed.getAttempts()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void retriesAConnectionClosedBeforeTheFirstToken(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.hangUp(), Reply.stream("reconnected"));

        ExecutionCompleted completed = completed(runtime.execute(request(dialect)));

        assertThat(completed.getOutput()).isEqualTo("reconnected");
        assertThat(completed.getAttempts()).isEqualTo(2);
        assertThat(provider.requestCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void givesUpAfterTheLastAttemptWhenTheProviderStaysUnavailable(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.setDefault(Reply.unavailable());

        List<ExecuteResponse> events = runtime.execute(request(dialect));

        ExecutionFailed failed = failed(events);
        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
        assertThat(failed.getRetryable()).isTrue();
        assertThat(failed.getAttempts()).isEqualTo(3);
        assertThat(failed.getMessage()).contains("503");
        assertThat(provider.requestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aRefusedCredentialFailsAtOnce(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.unauthorized());

        ExecutionFailed failed = failed(runtime.execute(request(dialect)));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_AUTH_FAILED);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getAttempts()).isEqualTo(1);
        assertThat(provider.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aConnectionDroppedMidStreamFailsWithoutARetry(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        // The interval lets both tokens reach the runtime: the JDK client drops bytes it has not handed on yet when
        // the connection breaks.
        provider.enqueue(Reply.stream("one", " two", " three")
                .tokenInterval(Duration.ofMillis(100))
                .dropAfter(2));

        List<ExecuteResponse> events = runtime.execute(request(dialect));

        assertThat(tokens(events)).containsExactly("one", " two");
        ExecutionFailed failed = failed(events);
        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
        assertThat(failed.getAttempts()).isEqualTo(1);
        assertThat(failed.getUsage().getOutputTokens()).isEqualTo(2);
        assertThat(provider.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aStreamCutBeforeItsFinalEventFailsInsteadOfHanging(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.stream("all", " text")
                .tokenInterval(Duration.ofMillis(100))
                .dropAfter(2));

        ExecutionFailed failed = failed(runtime.execute(request(dialect)));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
        assertThat(failed.getAttempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aMalformedEventFailsTheExecutionWithoutARetry(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.enqueue(Reply.stream("fine", " then", " broken").malformedAfter(1));

        List<ExecuteResponse> events = runtime.execute(request(dialect));

        ExecutionFailed failed = failed(events);
        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROVIDER_UNAVAILABLE);
        assertThat(failed.getMessage()).contains("malformed");
        assertThat(provider.requestCount()).isEqualTo(1);
        assertThat(tokens(events)).containsExactly("fine");
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aFirstTokenLaterThanItsTimeoutIsATimeout(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(10)));
        var request = request(dialect).toBuilder()
                .setLimits(ExecutionLimits.newBuilder()
                        .setFirstTokenTimeout(
                                com.google.protobuf.Duration.newBuilder().setNanos(200_000_000))
                        .setMaxAttempts(2))
                .build();

        ExecutionFailed failed = failed(runtime.execute(request));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FIRST_TOKEN_TIMEOUT);
        assertThat(failed.getAttempts()).isEqualTo(2);
        assertThat(provider.requestCount()).isEqualTo(2);
        // Each late attempt's connection was closed, not left generating.
        await().atMost(Duration.ofSeconds(2)).until(() -> provider.clientAbortedDuringResponse(0));
        await().atMost(Duration.ofSeconds(2)).until(() -> provider.clientAbortedDuringResponse(1));
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aFirstTokenPastTheDeadlineEndsTheCallAndClosesTheProviderConnection(
            Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        provider.setDefault(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(10)));

        assertThatThrownBy(() -> runtime.blocking()
                        .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                        .execute(request(dialect))
                        .forEachRemaining(event -> {}))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        await().atMost(Duration.ofSeconds(2)).until(() -> provider.clientAbortedDuringResponse(0));
        assertThat(provider.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void cancellingTheCallClosesTheProviderConnectionAtOnce(Dialect dialect, TestRuntime.Transport transport)
            throws InterruptedException {
        start(dialect, transport, SETTINGS);
        provider.setDefault(Reply.stream("a", "b", "c", "d", "e", "f", "g", "h").tokenInterval(Duration.ofSeconds(1)));
        var firstToken = new CountDownLatch(1);
        var call = new AtomicReference<ClientCallStreamObserver<ExecuteRequest>>();
        AgentRuntimeServiceGrpc.newStub(runtime.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .execute(request(dialect), new ClientResponseObserver<ExecuteRequest, ExecuteResponse>() {
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
        assertThat(firstToken.await(10, TimeUnit.SECONDS)).isTrue();

        long cancelledAt = System.nanoTime();
        call.get().cancel("the user closed the page", null);

        long closedAt = provider.clientClosed(0).orTimeout(5, TimeUnit.SECONDS).join();
        // The bound is generous for a shared 2-core machine; without the abort the socket stays open for 7 s.
        assertThat(Duration.ofNanos(closedAt - cancelledAt)).isLessThan(Duration.ofMillis(500));
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aMissingCredentialFailsWithoutCallingTheProvider(Dialect dialect, TestRuntime.Transport transport) {
        start(dialect, transport, SETTINGS);
        var request = request(dialect).toBuilder()
                .setModel(request(dialect).getModel().toBuilder().clearCredential())
                .build();

        ExecutionFailed failed = failed(runtime.execute(request));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_AUTH_FAILED);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(provider.requestCount()).isZero();
    }

    @ParameterizedTest
    @MethodSource("dialectsAndTransports")
    void aProviderOnAForbiddenAddressIsNeverCalled(Dialect dialect, TestRuntime.Transport transport) {
        start(
                dialect,
                transport,
                new RuntimeSettings(List.of(), Duration.ofSeconds(2), 3, Duration.ofMillis(1), Duration.ofSeconds(2)));

        ExecutionFailed failed = failed(runtime.execute(request(dialect)));

        assertThat(failed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_ADDRESS_FORBIDDEN);
        assertThat(failed.getMessage()).contains("127.0.0.1");
        assertThat(provider.requestCount()).isZero();
    }

    private void start(Dialect dialect, TestRuntime.Transport transport, RuntimeSettings settings) {
        provider = switch (dialect) {
            case OPENAI -> FakeProvider.openAi();
            case ANTHROPIC -> FakeProvider.anthropic();
        };
        runtime = TestRuntime.start(transport, AgentRuntime.grpcService(settings));
    }

    private ExecuteRequest request(Dialect dialect) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(
                                switch (dialect) {
                                    case OPENAI -> Provider.PROVIDER_OPENAI;
                                    case ANTHROPIC -> Provider.PROVIDER_ANTHROPIC;
                                })
                        .setModelName("support-model")
                        .setBaseUrl(provider.baseUrl())
                        .setCredential(Credential.newBuilder().setApiKey("test-key"))
                        .setParameters(SamplingParameters.newBuilder().setTemperature(0.2)))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_SYSTEM).setContent("You triage tickets."))
                .addMessages(
                        ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Classify: I was charged twice"))
                .build();
    }

    private static List<String> tokens(List<ExecuteResponse> events) {
        return events.stream()
                .filter(ExecuteResponse::hasTokenDelta)
                .map(event -> event.getTokenDelta().getText())
                .toList();
    }

    private static ExecutionCompleted completed(List<ExecuteResponse> events) {
        assertTerminatedOnce(events);
        assertThat(events.getLast().hasCompleted())
                .as("ends with completed: %s", events.getLast())
                .isTrue();
        return events.getLast().getCompleted();
    }

    private static ExecutionFailed failed(List<ExecuteResponse> events) {
        assertTerminatedOnce(events);
        assertThat(events.getLast().hasFailed())
                .as("ends with failed: %s", events.getLast())
                .isTrue();
        return events.getLast().getFailed();
    }

    private static void assertTerminatedOnce(List<ExecuteResponse> events) {
        assertThat(events.getFirst().hasStarted()).isTrue();
        assertThat(events.stream().filter(event -> event.hasCompleted() || event.hasFailed()))
                .hasSize(1);
    }
}
