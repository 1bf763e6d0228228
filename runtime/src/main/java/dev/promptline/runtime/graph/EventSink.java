package dev.promptline.runtime.graph;

/** Where a graph run reports what happens, as it happens. The gRPC adapter turns these into stream events. */
public interface EventSink {
    void nodeStarted(String node);

    void tokenDelta(String text);

    /** An attempt at the provider began, counting from 1. */
    default void attemptStarted(int attempt) {}

    void nodeCompleted(String node);
}
