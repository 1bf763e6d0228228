package dev.promptline.runtime.graph;

import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.llm.ModelResult;
import java.util.Map;
import java.util.Optional;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;

/** The state of one execution's graph. Owns its keys: no other class touches them. */
public final class ExecutionState extends AgentState {
    static final String OUTPUT = "output";
    static final String FINISH_REASON = "finish_reason";
    static final String INPUT_TOKENS = "input_tokens";
    static final String OUTPUT_TOKENS = "output_tokens";
    static final String ATTEMPTS = "attempts";
    static final String FAILURE = "failure";

    /** Every key is written once, by the node that produces it: no reducers needed. */
    static final Map<String, Channel<?>> SCHEMA = Map.of();

    /**
     * LangGraph4j copies the state after every node with its serializer's {@code cloneObject}, which by default
     * writes the state out with Java serialization and reads it back: about 7% of the sidecar's CPU per execution
     * (bench/runtime-load). Every value here is immutable (strings, numbers, the failure), so a new state over a copy
     * of the map is as good a copy. Checkpoints, which would use the serializer's streams, are not used.
     */
    static final StateSerializer<ExecutionState> SERIALIZER = new ObjectStreamStateSerializer<>(ExecutionState::new) {
        @Override
        public ExecutionState cloneObject(ExecutionState state) {
            return new ExecutionState(state.data());
        }
    };

    public ExecutionState(Map<String, Object> data) {
        super(data);
    }

    /** The state update of a finished model call. */
    static Map<String, Object> of(ModelResult result) {
        return Map.of(
                OUTPUT, result.output(),
                FINISH_REASON, result.finishReason(),
                INPUT_TOKENS, result.inputTokens(),
                OUTPUT_TOKENS, result.outputTokens(),
                ATTEMPTS, result.attempts());
    }

    /** The state update of a failed model call. */
    static Map<String, Object> failed(ModelCallException failure) {
        return Map.of(FAILURE, failure);
    }

    Optional<ModelCallException> failure() {
        return value(FAILURE);
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

    public int attempts() {
        return this.<Integer>value(ATTEMPTS).orElse(1);
    }
}
