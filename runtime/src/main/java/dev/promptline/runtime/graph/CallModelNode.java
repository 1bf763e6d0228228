package dev.promptline.runtime.graph;

import dev.promptline.runtime.llm.Cancellation;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
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
        ModelResult result = client.stream(call, sink::tokenDelta, cancellation);
        sink.nodeCompleted(SinglePromptGraph.CALL_MODEL);
        return Map.of(
                ExecutionState.OUTPUT, result.output(),
                ExecutionState.FINISH_REASON, result.finishReason(),
                ExecutionState.INPUT_TOKENS, result.inputTokens(),
                ExecutionState.OUTPUT_TOKENS, result.outputTokens());
    }
}
