package dev.promptline.api.executions;

/**
 * The runtime's stream as the api reads it: the contract's event union, without the graph's node events, which only
 * the runtime's own logs need. Mapped from proto in {@link RuntimeContract}; proto types go no further.
 */
sealed interface RuntimeEvent {
    /** The runtime accepted the execution. */
    record Started() implements RuntimeEvent {}

    /** A piece of output, in order. */
    record TokenDelta(String text) implements RuntimeEvent {}

    /**
     * An attempt at the provider began, counting from 1 across models (runtimes older than this event do not send it).
     *
     * @param modelIndex 0 for the execution's model, n for its n-th fallback
     */
    record AttemptStarted(int attempt, int modelIndex) implements RuntimeEvent {}

    /** An attempt failed; a retry, a fallback or the execution's failure follows. */
    record AttemptFailed(int attempt, int modelIndex, ExecutionError error, String message) implements RuntimeEvent {}

    /**
     * Terminal: the execution succeeded.
     *
     * @param modelIndex the model that answered: 0 for the execution's, n for its n-th fallback
     */
    record Completed(
            String output, FinishReason finishReason, int inputTokens, int outputTokens, int attempts, int modelIndex)
            implements RuntimeEvent {}

    /** Terminal: the execution failed, and the runtime said why and what it used. */
    record Failed(ExecutionError error, String message, int attempts, int outputTokens) implements RuntimeEvent {}

    /**
     * Terminal: the call itself ended without a terminal event (runtime down, deadline, cancelled), so nothing is
     * known of what the runtime used.
     */
    record CallFailed(ExecutionError error, String message) implements RuntimeEvent {}
}
