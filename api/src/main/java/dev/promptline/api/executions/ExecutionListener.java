package dev.promptline.api.executions;

/**
 * Who watches an execution while it runs: the SSE stream of the request that started it. A listener that throws
 * {@link ClientGoneException} is not called again.
 */
public interface ExecutionListener {
    /** Does nothing: the caller waits for the finished record. */
    ExecutionListener NONE = new ExecutionListener() {};

    /** The runtime accepted the execution; its record is written. */
    default void started(Execution execution) {}

    /** A piece of output, in order. */
    default void token(String text) {}

    /** Nothing happened for a heartbeat interval. */
    default void idle() {}

    /** The watcher is gone: writing to it failed. */
    final class ClientGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ClientGoneException(Throwable cause) {
            super("The client went away", cause);
        }
    }
}
