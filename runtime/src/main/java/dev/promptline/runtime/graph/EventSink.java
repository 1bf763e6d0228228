package dev.promptline.runtime.graph;

import dev.promptline.runtime.llm.ModelCallException;

/** Where a graph run reports what happens, as it happens. The gRPC adapter turns these into stream events. */
public interface EventSink {
    void nodeStarted(String node);

    void tokenDelta(String text);

    /**
     * An attempt at the provider began, counting from 1 across every model of the execution.
     *
     * @param modelIndex 0 for the execution's model, n for its n-th fallback
     */
    default void attemptStarted(int attempt, int modelIndex) {}

    /** An attempt failed; a retry, a fallback or the execution's failure follows. */
    default void attemptFailed(int attempt, int modelIndex, ModelCallException failure) {}

    void nodeCompleted(String node);
}
