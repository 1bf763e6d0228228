package dev.promptline.runtime.graph;

import static org.bsc.langgraph4j.GraphDefinition.END;
import static org.bsc.langgraph4j.GraphDefinition.START;
import static org.bsc.langgraph4j.action.AsyncCommandAction.command_async;
import static org.bsc.langgraph4j.action.AsyncNodeActionWithConfig.node_async;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;

/**
 * The single-agent graph: START → call_model → END, where call_model loops back to itself with the next fallback model
 * when {@link FallbackRoute} says so. Tools and multi-agent graphs slot in beside it; everything LangGraph4j-specific
 * stays in this package.
 *
 * <p>The graph is compiled once and shared by every execution: compiling validates and wires it, which cost as much
 * as a fifth of the graph's share of an execution (bench/runtime-load). What belongs to one execution travels in its
 * run's {@link RunnableConfig}, see {@link CallModelNode}.
 */
public final class SinglePromptGraph {
    static final String CALL_MODEL = "call_model";

    private static final CompiledGraph<ExecutionState> GRAPH = compile();

    private SinglePromptGraph() {}

    private static CompiledGraph<ExecutionState> compile() {
        try {
            return new StateGraph<>(ExecutionState.SCHEMA, ExecutionState.SERIALIZER)
                    .addNode(CALL_MODEL, node_async(new CallModelNode()))
                    .addEdge(START, CALL_MODEL)
                    .addConditionalEdges(
                            CALL_MODEL, command_async(new FallbackRoute()), Map.of(CALL_MODEL, CALL_MODEL, END, END))
                    .compile();
        } catch (GraphStateException e) {
            throw new IllegalStateException("The single-prompt graph is malformed", e);
        }
    }

    /**
     * Runs one execution to its end. A failed model call comes out as its {@link
     * dev.promptline.runtime.llm.ModelCallException}; anything else the graph throws is a fault of ours and comes out
     * as is.
     */
    public static ExecutionState run(
            ModelCall call, ChatModelClient client, EventSink sink, Cancellation cancellation) {
        return run(List.of(call), model -> client, sink, cancellation);
    }

    /**
     * Runs one execution over its model and fallbacks: {@code models} holds the execution's model first, then its
     * fallbacks in the order they are tried. The state's {@link ExecutionState#modelIndex} says which one answered.
     *
     * @param clients the client serving a model's provider
     */
    public static ExecutionState run(
            List<ModelCall> models,
            Function<ModelCall, ChatModelClient> clients,
            EventSink sink,
            Cancellation cancellation) {
        RunnableConfig config = CallModelNode.configFor(new CallModelNode.Run(models, clients, sink, cancellation));
        ExecutionState state;
        try {
            state = GRAPH.invoke(Map.of(), config)
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
