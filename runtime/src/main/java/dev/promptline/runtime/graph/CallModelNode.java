package dev.promptline.runtime.graph;

import static java.util.Objects.requireNonNull;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import java.util.Map;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.NodeActionWithConfig;

/**
 * Calls the model, streaming each piece of text to the sink as it arrives. One instance serves every execution of the
 * compiled graph; the execution's own collaborators come with its run's config.
 */
final class CallModelNode implements NodeActionWithConfig<ExecutionState> {
    /** The run's metadata key; in the config rather than the state, which LangGraph4j copies after every node. */
    private static final String RUN = "promptline.run";

    /** What one execution brings to the node. */
    record Run(ModelCall call, ChatModelClient client, EventSink sink, Cancellation cancellation) {
        Run {
            requireNonNull(call, "call is null");
            requireNonNull(client, "client is null");
            requireNonNull(sink, "sink is null");
            requireNonNull(cancellation, "cancellation is null");
        }
    }

    static RunnableConfig configFor(Run run) {
        return RunnableConfig.builder().putMetadata(RUN, run).build();
    }

    @Override
    public Map<String, Object> apply(ExecutionState state, RunnableConfig config) {
        Run run = config.metadata(RUN)
                .map(Run.class::cast)
                .orElseThrow(() -> new IllegalStateException("The graph was run without its execution"));
        run.sink().nodeStarted(SinglePromptGraph.CALL_MODEL);
        try {
            ModelResult result = run.client().stream(
                    run.call(), run.sink()::tokenDelta, run.sink()::attemptStarted, run.cancellation());
            return ExecutionState.of(result);
        } catch (ModelCallException e) {
            // A failed call is an outcome of the execution, kept in its state; thrown, LangGraph4j would log it as
            // an error of the graph.
            return ExecutionState.failed(e);
        } finally {
            run.sink().nodeCompleted(SinglePromptGraph.CALL_MODEL);
        }
    }
}
