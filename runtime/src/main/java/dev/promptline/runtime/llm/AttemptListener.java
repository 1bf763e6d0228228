package dev.promptline.runtime.llm;

/**
 * Told when each attempt at the provider begins (1, then each retry) and when one fails, so that an execution stopped
 * from outside still knows how many it made, and its caller can record why each failed.
 */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = attempt -> {};

    void started(int attempt);

    /** The attempt failed; a retry, a fallback model or the execution's failure follows. */
    default void failed(int attempt, ModelCallException failure) {}
}
