package dev.promptline.api.executions;

/**
 * The output of one runtime call as its token deltas arrive, kept by the call's event thread and read by the thread
 * that runs the execution: it is what an execution stopped before its terminal event keeps and is charged for.
 */
final class StreamedOutput {
    private final StringBuilder text = new StringBuilder();
    private int deltas;
    private long firstTokenNanos;

    synchronized void append(String delta) {
        if (deltas == 0) {
            firstTokenNanos = System.nanoTime();
        }
        deltas++;
        text.append(delta);
    }

    synchronized boolean isEmpty() {
        return deltas == 0;
    }

    synchronized String text() {
        return text.toString();
    }

    /** Token deltas received: the output tokens of an execution that ended without the runtime's own count. */
    synchronized int deltas() {
        return deltas;
    }

    /** {@link System#nanoTime()} when the first delta arrived; only once there is one. */
    synchronized long firstTokenNanos() {
        return firstTokenNanos;
    }
}
