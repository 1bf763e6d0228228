package dev.promptline.api.evaluations.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The queue in front of online scoring: it never blocks its caller, drops and counts what does not fit. */
class ScoringQueueTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private double count(String outcome) {
        return meters.get(ScoringQueue.METRIC).tag("outcome", outcome).counter().count();
    }

    @Test
    void jobsRunOnTheWorkersAndAFailingOneStopsNothing() {
        var ran = new AtomicInteger();
        try (var queue = new ScoringQueue(10, 2, meters)) {
            assertThat(queue.offer(ran::incrementAndGet)).isTrue();
            assertThat(queue.offer(() -> {
                        throw new IllegalStateException("a broken evaluator");
                    }))
                    .isTrue();
            assertThat(queue.offer(ran::incrementAndGet)).isTrue();

            await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 2 && count("failed") == 1);
            assertThat(count("queued")).isEqualTo(3);
            assertThat(count("scored")).isEqualTo(2);
            assertThat(count("dropped")).isZero();
        }
    }

    @Test
    void aFullQueueDropsAtOnceAndCountsIt() throws InterruptedException {
        var busy = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var queue = new ScoringQueue(1, 1, meters)) {
            queue.offer(() -> {
                busy.countDown();
                waitFor(release);
            });
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(queue.offer(() -> {})).as("waits in the queue").isTrue();

            long start = System.nanoTime();
            assertThat(queue.offer(() -> {})).as("no room").isFalse();
            assertThat(queue.offer(() -> {})).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));

            assertThat(count("dropped")).isEqualTo(2);
            assertThat(meters.get(ScoringQueue.METRIC + ".queue").gauge().value())
                    .isEqualTo(1);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> count("scored") == 2);
        }
    }

    @Test
    void closingDropsWhatWaitsAndStopsTheWorkers() throws InterruptedException {
        var busy = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var queue = new ScoringQueue(5, 1, meters);
        queue.offer(() -> {
            busy.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        queue.offer(() -> {});
        queue.offer(() -> {});

        queue.close(Duration.ofMillis(100));

        assertThat(interrupted.await(5, TimeUnit.SECONDS))
                .as("the running job is interrupted")
                .isTrue();
        assertThat(count("dropped")).isEqualTo(2);
        assertThat(queue.offer(() -> {})).as("closed").isFalse();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
