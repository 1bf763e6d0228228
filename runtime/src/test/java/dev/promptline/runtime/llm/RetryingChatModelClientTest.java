package dev.promptline.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryingChatModelClientTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ScriptedModel model = new ScriptedModel();
    private final RetryingChatModelClient client =
            new RetryingChatModelClient(model, Duration.ofMillis(1), Duration.ofMillis(20), timers);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void retriesARetryableFailureBeforeTheFirstTokenAndCountsTheAttempts() {
        model.then(fails(ModelCallException.Kind.RATE_LIMITED, true))
                .then(fails(ModelCallException.Kind.PROVIDER_UNAVAILABLE, true))
                .then(streams("Hello", " world"));
        List<String> tokens = new ArrayList<>();

        ModelResult result = client.stream(call(3, null), tokens::add, new Cancellation());

        assertThat(result.output()).isEqualTo("Hello world");
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(tokens).containsExactly("Hello", " world");
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastError() {
        model.then(fails(ModelCallException.Kind.PROVIDER_UNAVAILABLE, true))
                .then(fails(ModelCallException.Kind.PROVIDER_UNAVAILABLE, true))
                .then(fails(ModelCallException.Kind.PROVIDER_UNAVAILABLE, true));

        assertThatThrownBy(() -> client.stream(call(3, null), token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.PROVIDER_UNAVAILABLE);
                    assertThat(e.attempts()).isEqualTo(3);
                });
        assertThat(model.calls).isEqualTo(3);
    }

    @Test
    void neverRetriesAFailureThatIsNotRetryable() {
        model.then(fails(ModelCallException.Kind.AUTH_FAILED, false));

        assertThatThrownBy(() -> client.stream(call(3, null), token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(
                        ModelCallException.class, e -> assertThat(e.attempts()).isEqualTo(1));
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void neverRetriesOnceATokenWasStreamed() {
        model.then((call, tokens, cancellation) -> {
            tokens.accept("partial");
            throw new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, "connection reset", true);
        });

        assertThatThrownBy(() -> client.stream(call(3, null), token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.PROVIDER_UNAVAILABLE);
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanTheBackoffCapFailsAtOnceInsteadOfHoldingTheExecution() {
        model.then(fails(ModelCallException.Kind.RATE_LIMITED, true, Duration.ofMinutes(5)));

        assertThatThrownBy(() -> client.stream(call(3, null), token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.RATE_LIMITED);
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void doesNotWaitPastTheDeadline() {
        var patient = new RetryingChatModelClient(model, Duration.ofSeconds(5), Duration.ofSeconds(5), timers);
        model.then(fails(ModelCallException.Kind.RATE_LIMITED, true, Duration.ofSeconds(2)));
        var call = call(3, null, System.nanoTime() + Duration.ofMillis(500).toNanos());

        assertThatThrownBy(() -> patient.stream(call, token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(ModelCallException.Kind.RATE_LIMITED));
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void aLateFirstTokenAbortsTheAttemptAndTheNextOneRuns() {
        model.then(ScriptedModel::waitUntilCancelled).then(streams("on time"));

        ModelResult result = client.stream(call(2, Duration.ofMillis(50)), token -> {}, new Cancellation());

        assertThat(result.output()).isEqualTo("on time");
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void aLateFirstTokenOnTheLastAttemptIsATimeout() {
        model.then(ScriptedModel::waitUntilCancelled);

        assertThatThrownBy(() -> client.stream(call(1, Duration.ofMillis(50)), token -> {}, new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.FIRST_TOKEN_TIMEOUT);
                    assertThat(e.getMessage()).contains("first-token timeout");
                });
    }

    @Test
    void aStreamThatStallsBetweenTokensIsAnIdleTimeoutAndIsNotRetried() {
        model.then((call, tokens, attempt) -> {
            tokens.accept("first");
            return ScriptedModel.waitUntilCancelled(call, tokens, attempt);
        });
        var attempts = new ArrayList<String>();

        assertThatThrownBy(() -> client.stream(
                        call(3, null, Duration.ofMillis(50), null),
                        token -> {},
                        new AttemptListener() {
                            @Override
                            public void started(int attempt) {
                                attempts.add("started " + attempt);
                            }

                            @Override
                            public void failed(int attempt, ModelCallException failure) {
                                attempts.add("failed " + attempt + " " + failure.kind());
                            }
                        },
                        new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.IDLE_TIMEOUT);
                    assertThat(e.getMessage()).contains("idle timeout");
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(model.calls).isEqualTo(1);
        assertThat(attempts).containsExactly("started 1", "failed 1 IDLE_TIMEOUT");
    }

    @Test
    void aStreamWhoseTokensComeWithinTheIdleTimeoutIsNotCut() {
        model.then((call, tokens, attempt) -> {
            for (int i = 0; i < 6; i++) {
                tokens.accept("t" + i);
                pauseMillis(30);
            }
            return new ModelResult("t0t1t2t3t4t5", "stop", 1, 6, 1);
        });

        ModelResult result =
                client.stream(call(1, null, Duration.ofMillis(150), null), token -> {}, new Cancellation());

        assertThat(result.outputTokens()).isEqualTo(6);
    }

    /** A provider's pace between tokens; not a wait for the test's sake. */
    private static void pauseMillis(long millis) {
        try {
            new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theCallersCancellationEndsTheExecutionAsCancelledWithoutAnotherAttempt() {
        var cancellation = new Cancellation();
        model.then((call, tokens, attempt) -> {
            cancellation.cancel(Cancellation.Reason.CALLER_CANCELLED);
            return ScriptedModel.waitUntilCancelled(call, tokens, attempt);
        });

        assertThatThrownBy(() -> client.stream(call(3, null), token -> {}, cancellation))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(ModelCallException.Kind.CANCELLED));
        assertThat(model.calls).isEqualTo(1);
    }

    @Test
    void backoffIsAFullJitterBelowACeilingThatDoublesUpToItsCap() {
        var policy = new RetryingChatModelClient(model, Duration.ofMillis(100), Duration.ofMillis(300), timers);
        // Before attempt 2 the ceiling is the initial backoff; it doubles with each attempt until the cap.
        Map<Integer, Duration> ceilings = Map.of(
                2, Duration.ofMillis(100),
                3, Duration.ofMillis(200),
                4, Duration.ofMillis(300),
                9, Duration.ofMillis(300));
        ceilings.forEach((attempt, ceiling) -> {
            List<Duration> waits = IntStream.range(0, 2_000)
                    .mapToObj(sample -> policy.waitBefore(attempt, null, null))
                    .toList();
            LongSummaryStatistics nanos =
                    waits.stream().mapToLong(Duration::toNanos).summaryStatistics();
            long top = ceiling.toNanos();
            // Uniform over [0, ceiling]: 2,000 draws reach both ends and average to half, far beyond chance.
            assertThat(nanos.getMin())
                    .as("shortest wait before attempt %d", attempt)
                    .isBetween(0L, top / 10);
            assertThat(nanos.getMax())
                    .as("longest wait before attempt %d", attempt)
                    .isBetween(top * 9 / 10, top);
            assertThat(nanos.getAverage())
                    .as("mean wait before attempt %d", attempt)
                    .isBetween(top * 0.4, top * 0.6);
            assertThat(waits.stream().distinct().count()).isGreaterThan(1_000);
        });
    }

    @Test
    void theProvidersRetryAfterReplacesTheBackoffUnlessItExceedsTheCapOrTheDeadline() {
        var policy = new RetryingChatModelClient(model, Duration.ofMillis(100), Duration.ofMillis(300), timers);

        assertThat(policy.waitBefore(2, Duration.ofMillis(250), null)).isEqualTo(Duration.ofMillis(250));
        assertThat(policy.waitBefore(2, Duration.ofMillis(301), null)).isNull();
        assertThat(policy.waitBefore(2, Duration.ofMillis(250), Duration.ofMillis(200)))
                .isNull();
    }

    private static ModelCall call(int maxAttempts, Duration firstTokenTimeout) {
        return call(maxAttempts, firstTokenTimeout, null);
    }

    private static ModelCall call(int maxAttempts, Duration firstTokenTimeout, Long deadlineNanos) {
        return call(maxAttempts, firstTokenTimeout, null, deadlineNanos);
    }

    private static ModelCall call(
            int maxAttempts, Duration firstTokenTimeout, Duration idleTimeout, Long deadlineNanos) {
        return new ModelCall(
                ModelCall.Provider.OPENAI,
                "gpt-4o-mini",
                null,
                "sk-test",
                List.of(new ModelCall.Message("user", "hi")),
                ModelCall.Sampling.DEFAULTS,
                maxAttempts,
                firstTokenTimeout,
                idleTimeout,
                deadlineNanos);
    }

    private static ChatModelClient fails(ModelCallException.Kind kind, boolean retryable) {
        return fails(kind, retryable, null);
    }

    private static ChatModelClient fails(ModelCallException.Kind kind, boolean retryable, Duration retryAfter) {
        return (call, tokens, cancellation) -> {
            throw new ModelCallException(kind, "scripted " + kind, retryable).withRetryAfter(retryAfter);
        };
    }

    private static ChatModelClient streams(String... pieces) {
        return (call, tokens, cancellation) -> {
            for (String piece : pieces) {
                tokens.accept(piece);
            }
            return new ModelResult(String.join("", pieces), "stop", 1, pieces.length, 1);
        };
    }

    /** Plays one scripted behaviour per attempt, in order. */
    private static final class ScriptedModel implements ChatModelClient {
        private final Deque<ChatModelClient> script = new ArrayDeque<>();
        int calls;

        ScriptedModel then(ChatModelClient attempt) {
            script.add(attempt);
            return this;
        }

        @Override
        public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
            calls++;
            return script.removeFirst().stream(call, tokens, cancellation);
        }

        static ModelResult waitUntilCancelled(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
            var cancelled = new CountDownLatch(1);
            cancellation.onCancel(cancelled::countDown);
            try {
                if (!cancelled.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the attempt was never cancelled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw cancellation.toException();
        }
    }
}
