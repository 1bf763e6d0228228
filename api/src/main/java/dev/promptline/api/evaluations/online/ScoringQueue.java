package dev.promptline.api.evaluations.online;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work done after an execution, off its path: a bounded queue drained by a few virtual threads. {@link #offer} never
 * blocks and never throws: when the queue is full the work is dropped and counted
 * ({@code promptline.evaluations.online{outcome="dropped"}}), since scoring a sample late or not at all is better than
 * slowing the execution that produced it or holding unbounded memory. A job that throws is logged and counted
 * ({@code outcome="failed"}); the workers go on.
 */
final class ScoringQueue implements AutoCloseable {
    static final String METRIC = "promptline.evaluations.online";

    private static final Logger log = LoggerFactory.getLogger(ScoringQueue.class);

    private final BlockingQueue<Runnable> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final Counter queued;
    private final Counter dropped;
    private final Counter done;
    private final Counter failed;
    private volatile boolean closed;

    ScoringQueue(int capacity, int workerCount, MeterRegistry meters) {
        if (capacity < 1 || workerCount < 1) {
            throw new IllegalArgumentException("a queue of at least 1 and at least 1 worker");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.queued = counter(meters, "queued", "Executions sampled and queued to be scored");
        this.dropped = counter(meters, "dropped", "Executions sampled but not scored: the queue was full");
        this.done = counter(meters, "scored", "Sampled executions scored (a score or an evaluator error recorded)");
        this.failed = counter(meters, "failed", "Sampled executions whose scoring failed (nothing recorded)");
        Gauge.builder(METRIC + ".queue", queue, BlockingQueue::size)
                .description("Sampled executions waiting to be scored")
                .register(meters);
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofVirtual().name("online-evaluation-" + i).start(this::work));
        }
    }

    private static Counter counter(MeterRegistry meters, String outcome, String description) {
        return Counter.builder(METRIC)
                .tag("outcome", outcome)
                .description(description)
                .register(meters);
    }

    /** Queues the job unless the queue is full (or closed); false when it was dropped. */
    boolean offer(Runnable job) {
        if (!closed && queue.offer(job)) {
            queued.increment();
            return true;
        }
        dropped.increment();
        return false;
    }

    private void work() {
        while (!closed) {
            Runnable job;
            try {
                job = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            try {
                job.run();
                done.increment();
            } catch (RuntimeException e) {
                failed.increment();
                log.warn("Online evaluation failed", e);
            }
        }
    }

    /**
     * Stops the workers: a job running gets {@code grace} to finish, then its thread is interrupted; queued jobs are
     * dropped and counted. Nothing outlives the application.
     */
    void close(Duration grace) {
        closed = true;
        int left = queue.size();
        queue.clear();
        dropped.increment(left);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread worker : workers) {
            try {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !worker.join(Duration.ofNanos(remaining))) {
                    worker.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                workers.forEach(Thread::interrupt);
                return;
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
