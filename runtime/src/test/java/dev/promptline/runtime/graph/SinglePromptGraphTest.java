package dev.promptline.runtime.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    }
}
