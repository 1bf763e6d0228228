package dev.promptline.runtime.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.runtime.llm.AttemptListener;
import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SinglePromptGraphTest {

    @Test
    void runsEachExecutionWithItsOwnCallSinkAndResult() {
        var first = new RecordingSink();
        var second = new RecordingSink();

        ExecutionState one =
                SinglePromptGraph.run(call("one"), new ScriptedClient("a", "b"), first, new Cancellation());
        ExecutionState two = SinglePromptGraph.run(call("two"), new ScriptedClient("c"), second, new Cancellation());

        assertThat(one.output()).isEqualTo("one:ab");
        assertThat(one.outputTokens()).isEqualTo(2);
        assertThat(first.events).containsExactly("started call_model", "token a", "token b", "completed call_model");
        assertThat(two.output()).isEqualTo("two:c");
        assertThat(second.events).containsExactly("started call_model", "token c", "completed call_model");
    }

    @Test
    void keepsConcurrentExecutionsApartOnTheSharedGraph() throws InterruptedException {
        // The first execution waits inside its model call until the second has finished on the same compiled graph.
        var secondDone = new CountDownLatch(1);
        ChatModelClient waiting = (call, tokens, cancellation) -> {
            try {
                assertThat(secondDone.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            tokens.accept("x");
            return new ModelResult(call.modelName() + ":x", "stop", 1, 1, 1);
        };
        var firstSink = new RecordingSink();
        ExecutionState[] firstState = new ExecutionState[1];
        Thread first = Thread.ofVirtual()
                .start(() ->
                        firstState[0] = SinglePromptGraph.run(call("one"), waiting, firstSink, new Cancellation()));

        ExecutionState second =
                SinglePromptGraph.run(call("two"), new ScriptedClient("y"), new RecordingSink(), new Cancellation());
        secondDone.countDown();
        first.join(10_000);

        assertThat(second.output()).isEqualTo("two:y");
        assertThat(firstState[0].output()).isEqualTo("one:x");
        assertThat(firstSink.events).containsExactly("started call_model", "token x", "completed call_model");
    }

    @Test
    void aFailedModelCallComesOutAsItsException() {
        var failure = new ModelCallException(ModelCallException.Kind.RATE_LIMITED, "slow down", true);
        var sink = new RecordingSink();

        assertThatThrownBy(() -> SinglePromptGraph.run(
                        call("one"),
                        (call, tokens, cancellation) -> {
                            throw failure;
                        },
                        sink,
                        new Cancellation()))
                .isSameAs(failure);
        assertThat(sink.events).containsExactly("started call_model", "completed call_model");
    }

    @Test
    void copiesOfTheStateAreIndependentOfTheOriginal() throws Exception {
        var original = new ExecutionState(Map.of(ExecutionState.OUTPUT, "text"));

        ExecutionState copy = ExecutionState.SERIALIZER.cloneObject(original.data());

        assertThat(copy).isNotSameAs(original);
        assertThat(copy.data()).isEqualTo(original.data()).isNotSameAs(original.data());
        assertThat(copy.output()).isEqualTo("text");
    }

    @Test
    void fallsBackToTheNextModelInOrderAfterARetryableFailure() {
        var sink = new RecordingSink();
        var unavailable = new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, "503", true);
        var rateLimited = new ModelCallException(ModelCallException.Kind.RATE_LIMITED, "429", true);
        Map<String, ChatModelClient> clients = Map.of(
                "primary", failing(unavailable, 3),
                "second", failing(rateLimited, 2),
                "third", new ScriptedClient("ok"));

        ExecutionState state = SinglePromptGraph.run(
                List.of(call("primary"), call("second"), call("third")),
                model -> clients.get(model.modelName()),
                sink,
                new Cancellation());

        assertThat(state.output()).isEqualTo("third:ok");
        assertThat(state.modelIndex()).isEqualTo(2);
        assertThat(state.attempts()).isEqualTo(6);
        assertThat(sink.attempts)
                .containsExactly(
                        "1@0",
                        "1@0 failed PROVIDER_UNAVAILABLE",
                        "2@0",
                        "2@0 failed PROVIDER_UNAVAILABLE",
                        "3@0",
                        "3@0 failed PROVIDER_UNAVAILABLE",
                        "4@1",
                        "4@1 failed RATE_LIMITED",
                        "5@1",
                        "5@1 failed RATE_LIMITED",
                        "6@2");
    }

    @Test
    void fallsBackAfterAFirstTokenTimeout() {
        var late = new ModelCallException(ModelCallException.Kind.FIRST_TOKEN_TIMEOUT, "late", true);

        ExecutionState state = SinglePromptGraph.run(
                List.of(call("slow"), call("fast")),
                model -> model.modelName().equals("slow") ? failing(late, 1) : new ScriptedClient("quick"),
                new RecordingSink(),
                new Cancellation());

        assertThat(state.output()).isEqualTo("fast:quick");
        assertThat(state.modelIndex()).isEqualTo(1);
    }

    @Test
    void doesNotFallBackAfterARefusal() {
        var refused = new ModelCallException(ModelCallException.Kind.INVALID_REQUEST, "400", false);
        var reached = new ArrayList<String>();

        assertThatThrownBy(() -> SinglePromptGraph.run(
                        List.of(call("primary"), call("fallback")),
                        model -> {
                            reached.add(model.modelName());
                            return failing(refused, 1);
                        },
                        new RecordingSink(),
                        new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.INVALID_REQUEST);
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(reached).containsExactly("primary");
    }

    @Test
    void doesNotFallBackOnceATokenWasStreamed() {
        var broken = new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, "reset", true);
        var reached = new ArrayList<String>();
        ChatModelClient breaksMidway = (model, tokens, cancellation) -> {
            tokens.accept("half");
            throw broken;
        };

        assertThatThrownBy(() -> SinglePromptGraph.run(
                        List.of(call("primary"), call("fallback")),
                        model -> {
                            reached.add(model.modelName());
                            return breaksMidway;
                        },
                        new RecordingSink(),
                        new Cancellation()))
                .isSameAs(broken);
        assertThat(reached).containsExactly("primary");
    }

    @Test
    void theLastModelsFailureEndsTheExecutionWithEveryAttemptCounted() {
        var unavailable = new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, "503", true);

        assertThatThrownBy(() -> SinglePromptGraph.run(
                        List.of(call("primary"), call("fallback")),
                        model -> failing(unavailable, 2),
                        new RecordingSink(),
                        new Cancellation()))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.PROVIDER_UNAVAILABLE);
                    assertThat(e.attempts()).isEqualTo(4);
                });
    }

    @Test
    void aCancelledExecutionDoesNotFallBack() {
        var cancellation = new Cancellation();
        var reached = new ArrayList<String>();
        ChatModelClient cancelled = (model, tokens, c) -> {
            cancellation.cancel(Cancellation.Reason.CALLER_CANCELLED);
            throw new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, "aborted", true);
        };

        assertThatThrownBy(() -> SinglePromptGraph.run(
                        List.of(call("primary"), call("fallback")),
                        model -> {
                            reached.add(model.modelName());
                            return cancelled;
                        },
                        new RecordingSink(),
                        cancellation))
                .isInstanceOf(ModelCallException.class);
        assertThat(reached).containsExactly("primary");
    }

    /** Fails each of {@code attempts} attempts the way a retrying client reports them. */
    private static ChatModelClient failing(ModelCallException failure, int attempts) {
        return new ChatModelClient() {
            @Override
            public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
                throw failure;
            }

            @Override
            public ModelResult stream(
                    ModelCall call, Consumer<String> tokens, AttemptListener listener, Cancellation cancellation) {
                for (int attempt = 1; attempt <= attempts; attempt++) {
                    listener.started(attempt);
                    listener.failed(attempt, failure);
                }
                throw failure.withAttempts(attempts);
            }
        };
    }

    private static ModelCall call(String model) {
        return new ModelCall(
                ModelCall.Provider.ECHO,
                model,
                null,
                null,
                List.of(new ModelCall.Message("user", "hi")),
                ModelCall.Sampling.DEFAULTS,
                1,
                null,
                null,
                null);
    }

    /** Streams its tokens, and answers with the model name and the tokens. */
    private record ScriptedClient(String... tokens) implements ChatModelClient {
        @Override
        public ModelResult stream(ModelCall call, Consumer<String> sink, Cancellation cancellation) {
            for (String token : tokens) {
                sink.accept(token);
            }
            return new ModelResult(call.modelName() + ":" + String.join("", tokens), "stop", 1, tokens.length, 1);
        }
    }

    private static final class RecordingSink implements EventSink {
        final List<String> events = new ArrayList<>();
        final List<String> attempts = new ArrayList<>();

        @Override
        public void nodeStarted(String node) {
            events.add("started " + node);
        }

        @Override
        public void tokenDelta(String text) {
            events.add("token " + text);
        }

        @Override
        public void nodeCompleted(String node) {
            events.add("completed " + node);
        }

        @Override
        public void attemptStarted(int attempt, int modelIndex) {
            attempts.add(attempt + "@" + modelIndex);
        }

        @Override
        public void attemptFailed(int attempt, int modelIndex, ModelCallException failure) {
            attempts.add(attempt + "@" + modelIndex + " failed " + failure.kind());
        }
    }
}
