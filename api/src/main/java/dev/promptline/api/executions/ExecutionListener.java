package dev.promptline.api.executions;

/**
 * Who watches an execution while it runs: the SSE stream of the request that started it. A listener that throws
 * {@link ClientGoneException} is not called again.
 */
public interface ExecutionListener {
    /** Does nothing: the caller waits for the finished record. */
    ExecutionListener NONE = new ExecutionListener() {
        @Override
        public boolean watchesTokens() {
            return false;
        }
    };

    /**
     * Whether {@link #token} is to be called. A listener that says no is not woken for each token of a paced answer;
     * it still hears every other event.
     */
    default boolean watchesTokens() {
        return true;
    }

    /** The runtime accepted the execution; its record is written. */
    default void started(Execution execution) {}

    /** A piece of output, in order. */
    default void token(String text) {}

    /** Nothing happened for a heartbeat interval. */
    default void idle() {}

    /**
     * Nothing happened for a moment while no output has come yet: a chance to find out that the client is gone. A
     * closed connection only shows on a write: the first one after the client closed is answered with a reset, the
     * next one fails. So a streaming watcher writes a few bytes each time.
     */
    default void probe() {}

    /** The watcher is gone: writing to it failed. */
    final class ClientGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ClientGoneException(Throwable cause) {
            super("The client went away", cause);
        }
    }
}
