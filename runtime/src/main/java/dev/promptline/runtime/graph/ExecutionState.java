package dev.promptline.runtime.graph;

import java.util.Map;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;

/** The state of one execution's graph. Owns its keys: no other class touches them. */
public final class ExecutionState extends AgentState {
    static final String OUTPUT = "output";
    static final String FINISH_REASON = "finish_reason";
    static final String INPUT_TOKENS = "input_tokens";
    static final String OUTPUT_TOKENS = "output_tokens";

    /** Every key is written once, by the node that produces it: no reducers needed. */
    static final Map<String, Channel<?>> SCHEMA = Map.of();

    public ExecutionState(Map<String, Object> data) {
        super(data);
    }

    public String output() {
        return this.<String>value(OUTPUT).orElse("");
    }

    public String finishReason() {
        return this.<String>value(FINISH_REASON).orElse("other");
    }

    public int inputTokens() {
        return this.<Integer>value(INPUT_TOKENS).orElse(0);
    }

    public int outputTokens() {
        return this.<Integer>value(OUTPUT_TOKENS).orElse(0);
    }
}
