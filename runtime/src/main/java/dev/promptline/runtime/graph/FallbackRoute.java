package dev.promptline.runtime.graph;

import dev.promptline.runtime.llm.ModelCallException;
import java.util.EnumSet;
import java.util.Set;
import org.bsc.langgraph4j.GraphDefinition;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.Command;
import org.bsc.langgraph4j.action.CommandAction;

/**
 * The one fallback policy: after a model call, whether the execution ends or tries its next model. It falls back only
 * when another model may succeed where this one failed after its own retries (rate limited, unavailable, or no first
 * token in time), only while nothing was streamed (the caller may have shown text to someone, and another model would
 * write a different answer), only while the execution is not cancelled, and only to the next model in order. A refusal
 * (bad request, credential, forbidden address) would fail the same way with the next model's identical request
 * shape, or should be fixed rather than hidden; the deadline bounds the whole execution, not one model.
 */
final class FallbackRoute implements CommandAction<ExecutionState> {
    /** What a fallback may follow. */
    static final Set<ModelCallException.Kind> FALLS_BACK = EnumSet.of(
            ModelCallException.Kind.RATE_LIMITED,
            ModelCallException.Kind.PROVIDER_UNAVAILABLE,
            ModelCallException.Kind.FIRST_TOKEN_TIMEOUT,
            // Only the provider's 408: the execution's own deadline ends it as not retryable.
            ModelCallException.Kind.TIMEOUT);

    @Override
    public Command apply(ExecutionState state, RunnableConfig config) {
        CallModelNode.Run run = CallModelNode.run(config);
        int next = state.modelIndex() + 1;
        boolean fallsBack = state.failure()
                .filter(failure -> failure.retryable() && FALLS_BACK.contains(failure.kind()))
                .isPresent();
        if (fallsBack
                && !state.streamed()
                && next < run.models().size()
                && !run.cancellation().isCancelled()) {
            return new Command(SinglePromptGraph.CALL_MODEL, ExecutionState.fallBackTo(next));
        }
        return new Command(GraphDefinition.END);
    }
}
