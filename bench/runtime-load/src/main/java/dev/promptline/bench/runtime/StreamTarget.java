package dev.promptline.bench.runtime;

/** One way of streaming a completion: straight to the fake provider, or through the runtime. */
interface StreamTarget extends AutoCloseable {

    /**
     * Streams one completion to its end and checks its output.
     *
     * @param marker a word put into the prompt, by which the fake provider's timing of this request is found
     * @param firstToken runs when the first token arrives
     * @throws Exception when the stream failed or its output is wrong
     */
    Timing stream(String marker, Runnable firstToken) throws Exception;

    @Override
    void close() throws InterruptedException;

    /** {@link System#nanoTime()} when the request was sent, when the first token arrived and when the answer ended. */
    record Timing(long start, long firstToken, long end) {
        long firstTokenNanos() {
            return firstToken - start;
        }

        long totalNanos() {
            return end - start;
        }
    }
}
