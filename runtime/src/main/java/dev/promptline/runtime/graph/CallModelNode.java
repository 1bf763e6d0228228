package dev.promptline.runtime.graph;

import static java.util.Objects.requireNonNull;

import dev.promptline.runtime.llm.AttemptListener;
import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.NodeActionWithConfig;

/**
 * Calls the model the state points at (the execution's, or a fallback), streaming each piece of text to the sink as
 * it arrives. Attempts are numbered across models, so the sink and the outcome count every attempt of the execution.
 * One instance serves every execution of the compiled graph; the execution's own collaborators come with its run's
 * config.
 */
final class CallModelNode implements NodeActionWithConfig<ExecutionState> {
    /** The run's metadata key; in the config rather than the state, which LangGraph4j copies after every node. */
    private static final String RUN = "promptline.run";

    /**
     * What one execution brings to the node.
     *
     * @param models the execution's model first, then its fallbacks in order
     * @param clients the client that serves a model's provider; it throws a {@link ModelCallException} for one the
     *     runtime does not serve
     */
    record Run(
            List<ModelCall> models,
            Function<ModelCall, ChatModelClient> clients,
            EventSink sink,
            Cancellation cancellation) {
        Run {
            models = List.copyOf(requireNonNull(models, "models is null"));
            if (models.isEmpty()) {
                throw new IllegalArgumentException("models must not be empty");
            }
            requireNonNull(clients, "clients is null");
            requireNonNull(sink, "sink is null");
            requireNonNull(cancellation, "cancellation is null");
        }
    }

    static RunnableConfig configFor(Run run) {
        return RunnableConfig.builder().putMetadata(RUN, run).build();
    }

    static Run run(RunnableConfig config) {
        return config.metadata(RUN)
                .map(Run.class::cast)
                .orElseThrow(() -> new IllegalStateException("The graph was run without its execution"));
    }

    @Override
    public Map<String, Object> apply(ExecutionState state, RunnableConfig config) {
        Run run = run(config);
        int modelIndex = state.modelIndex();
        int attemptsBefore = state.attempts();
        ModelCall call = run.models().get(modelIndex);
        var streamed = new AtomicBoolean(state.streamed());
        var attempts = new AttemptListener() {
            @Override
            public void started(int attempt) {
                run.sink().attemptStarted(attemptsBefore + attempt, modelIndex);
            }

            @Override
            public void failed(int attempt, ModelCallException failure) {
                run.sink().attemptFailed(attemptsBefore + attempt, modelIndex, failure);
            }
        };
        run.sink().nodeStarted(SinglePromptGraph.CALL_MODEL);
        try {
            ModelResult result = run.clients().apply(call).stream(
                    call,
                    text -> {
                        streamed.set(true);
                        run.sink().tokenDelta(text);
                    },
                    attempts,
                    run.cancellation());
            return ExecutionState.of(result, modelIndex, attemptsBefore + result.attempts());
        } catch (ModelCallException e) {
            // A failed call is an outcome of the execution, kept in its state for the route to decide on; thrown,
            // LangGraph4j would log it as an error of the graph.
            ModelCallException counted = attemptsBefore == 0 ? e : e.withAttempts(attemptsBefore + e.attempts());
            return ExecutionState.failed(counted, modelIndex, streamed.get());
        } finally {
            run.sink().nodeCompleted(SinglePromptGraph.CALL_MODEL);
        }
    }
}
