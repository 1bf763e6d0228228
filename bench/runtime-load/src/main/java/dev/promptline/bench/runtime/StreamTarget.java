package dev.promptline.bench.runtime;

/** One way of streaming a completion: straight to the fake provider, or through the runtime. */
interface StreamTarget extends AutoCloseable {

    /**
     * Streams one completion to its end and checks its output.
     *
     * @param firstToken runs when the first token arrives
     * @throws Exception when the stream failed or its output is wrong
     */
    Timing stream(Runnable firstToken) throws Exception;

    @Override
    void close() throws InterruptedException;

    /** Nanoseconds from sending the request to the first token, and to the end of the answer. */
    record Timing(long firstTokenNanos, long totalNanos) {}
}
