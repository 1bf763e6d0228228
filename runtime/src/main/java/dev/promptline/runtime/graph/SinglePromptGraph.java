package dev.promptline.runtime.graph;

import static org.bsc.langgraph4j.GraphDefinition.END;
import static org.bsc.langgraph4j.GraphDefinition.START;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.StateGraph;

/**
 * The single-agent graph: START → call_model → END. Tools and multi-agent graphs slot in beside it; everything
 * LangGraph4j-specific stays in this package.
 */
public final class SinglePromptGraph {
    static final String CALL_MODEL = "call_model";

    private SinglePromptGraph() {}

    static CompiledGraph<ExecutionState> compile(CallModelNode callModel) {
        try {
            return new StateGraph<>(ExecutionState.SCHEMA, ExecutionState::new)
                    .addNode(CALL_MODEL, node_async(callModel))
                    .addEdge(START, CALL_MODEL)
                    .addEdge(CALL_MODEL, END)
                    .compile();
        } catch (GraphStateException e) {
            throw new IllegalStateException("The single-prompt graph is malformed", e);
        }
    }

    /**
     * Runs one execution to its end. A failed model call comes out as its {@link ModelCallException}; anything
     * else the graph throws is a fault of ours and comes out as is.
     */
    public static ExecutionState run(
            ModelCall call, ChatModelClient client, EventSink sink, Cancellation cancellation) {
        var graph = compile(new CallModelNode(client, call, sink, cancellation));
        ExecutionState state;
        try {
            state = graph.invoke(Map.of())
                    .orElseThrow(() -> new IllegalStateException("The graph ended without state"));
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        state.failure().ifPresent(failure -> {
            throw failure;
        });
        return state;
    }
}
