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
    /** The model the last call went to: 0 for the execution's model, n for its n-th fallback. */
    static final String MODEL_INDEX = "model_index";
    /** Whether any token of the execution was streamed, which rules out a fallback. */
    static final String STREAMED = "streamed";

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

    /**
     * The state update of a finished model call.
     *
     * @param attempts attempts of the whole execution, every model's
     */
    static Map<String, Object> of(ModelResult result, int modelIndex, int attempts) {
        return Map.of(
                OUTPUT, result.output(),
                FINISH_REASON, result.finishReason(),
                INPUT_TOKENS, result.inputTokens(),
                OUTPUT_TOKENS, result.outputTokens(),
                ATTEMPTS, attempts,
                MODEL_INDEX, modelIndex,
                STREAMED, result.outputTokens() > 0 || !result.output().isEmpty());
    }

    /**
     * The state update of a failed model call.
     *
     * @param failure with the attempts of the whole execution, every model's
     */
    static Map<String, Object> failed(ModelCallException failure, int modelIndex, boolean streamed) {
        return Map.of(FAILURE, failure, ATTEMPTS, failure.attempts(), MODEL_INDEX, modelIndex, STREAMED, streamed);
    }

    /** The update that sends the next call to another model. */
    static Map<String, Object> fallBackTo(int modelIndex) {
        return Map.of(MODEL_INDEX, modelIndex);
    }

    /** Whether the last model call succeeded; only then do output, tokens and finish reason mean anything. */
    boolean succeeded() {
        return value(OUTPUT).isPresent();
    }

    /** Why the last model call failed; empty after a success. */
    Optional<ModelCallException> failure() {
        return succeeded() ? Optional.empty() : value(FAILURE);
    }

    /** The model of the last call (the one that answered, after a success): 0 for the execution's, n for a fallback. */
    public int modelIndex() {
        return this.<Integer>value(MODEL_INDEX).orElse(0);
    }

    boolean streamed() {
        return this.<Boolean>value(STREAMED).orElse(false);
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

    /** Attempts of the whole execution, counting every model's. */
    public int attempts() {
        return this.<Integer>value(ATTEMPTS).orElse(0);
    }
}
