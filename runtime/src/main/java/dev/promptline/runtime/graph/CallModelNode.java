package dev.promptline.runtime.graph;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import java.util.Map;
import org.bsc.langgraph4j.action.NodeAction;

/** Calls the model, streaming each piece of text to the sink as it arrives. */
final class CallModelNode implements NodeAction<ExecutionState> {
    private final ChatModelClient client;
    private final ModelCall call;
    private final EventSink sink;
    private final Cancellation cancellation;

    CallModelNode(ChatModelClient client, ModelCall call, EventSink sink, Cancellation cancellation) {
        this.client = client;
        this.call = call;
        this.sink = sink;
        this.cancellation = cancellation;
    }

    @Override
    public Map<String, Object> apply(ExecutionState state) {
        sink.nodeStarted(SinglePromptGraph.CALL_MODEL);
        try {
            ModelResult result = client.stream(call, sink::tokenDelta, cancellation);
            return ExecutionState.of(result);
        } catch (ModelCallException e) {
            // A failed call is an outcome of the execution, kept in its state; thrown, LangGraph4j would log it as
            // an error of the graph.
            return ExecutionState.failed(e);
        } finally {
            sink.nodeCompleted(SinglePromptGraph.CALL_MODEL);
        }
    }
}
