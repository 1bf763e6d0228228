package dev.promptline.bench.runtime;

import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * A closed loop: {@code concurrency} virtual threads each stream one completion after another. Only the streams that
 * start inside the measured window, after the warm-up, are recorded; the CPU time of the driver's JVM (and of the
 * sidecar's, when there is one) is sampled at both ends of the window.
 *
 * <p>Besides the times the client sees, each stream's time outside the provider is recorded, from the fake provider's
 * own timing of the same request: from sending the request to the provider having read it, plus from the provider
 * starting to write the first token (or the ending) to the client having it. That is what a path adds to whatever
 * the provider takes, without the provider's pacing jitter.
 *
 * <p>The streams start spread over {@code stagger}, the length of one answer: with a paced provider, streams started
 * together stay in step, so their tokens would all arrive in the same instant and queue behind each other, a burst
 * that real traffic, arriving at random, does not make.
 */
final class ClosedLoop {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long MIN_PAUSE_AFTER_FAILURE_MILLIS = 10;
    // Significant digits: with 3, a 700 ms paced answer lands in a 0.5 ms bucket, as coarse as the difference measured.
    private static final int PRECISION = 4;

    private ClosedLoop() {}

    /** How long the provider takes over one answer, from the request to its last token: the streams' stagger. */
    static Duration answerLength(Reply.Stream reply) {
        return reply.firstTokenAfter()
                .plus(reply.tokenInterval()
                        .multipliedBy(Math.max(0, reply.tokens().size() - 1)));
    }

    /**
     * What one mode did at one concurrency, in the measured window.
     *
     * @param firstToken microseconds to the first token
     * @param total microseconds to the end of the answer (the terminal event through the runtime)
     * @param firstTokenOutsideProvider microseconds outside the provider until the first token
     * @param totalOutsideProvider microseconds outside the provider until the end of the answer
     * @param toProvider the request's part of both: microseconds from sending it to the provider having read it
     * @param untimed streams recorded without a timing from the provider (a stream the bench did not mark)
     * @param failures streams started in the window that failed or had the wrong output
     * @param warmupFailures the same, in the warm-up
     * @param driverCpuNanos CPU time of this JVM (load, fake provider, and the runtime when in-process)
     * @param sidecarCpuNanos CPU time of the sidecar, when the mode uses it
     * @param otherCpuNanos CPU time of the other processes on the machine (those alive at the window's end): a check
     *     that nothing else ran
     */
    record Result(
            String mode,
            int concurrency,
            Duration window,
            Histogram firstToken,
            Histogram total,
            Histogram firstTokenOutsideProvider,
            Histogram totalOutsideProvider,
            Histogram toProvider,
            long untimed,
            long failures,
            long warmupFailures,
            @Nullable String firstFailure,
            long driverCpuNanos,
            OptionalLong sidecarCpuNanos,
            long otherCpuNanos) {

        long executions() {
            return total.getTotalCount();
        }

        double executionsPerSecond() {
            return executions() / (window.toNanos() / 1e9);
        }
    }

    static Result run(
            String mode,
            StreamTarget target,
            ProviderTimings providerTimings,
            int concurrency,
            Duration stagger,
            Duration warmup,
            Duration window,
            long driverPid,
            @Nullable Long sidecarPid)
            throws InterruptedException {
        long startedAt = System.nanoTime();
        long measureFrom = startedAt + warmup.toNanos();
        long measureUntil = measureFrom + window.toNanos();
        List<Worker> workers = new ArrayList<>();
        long[] driverCpu = new long[2];
        long[] sidecarCpu = new long[2];
        List<Map<Long, Long>> everyProcessCpu = new ArrayList<>(List.of(Map.of(), Map.of()));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                long firstStart = startedAt + stagger.toNanos() * i / concurrency;
                var worker = new Worker(target, providerTimings, firstStart, measureFrom, measureUntil);
                workers.add(worker);
                threads.execute(worker);
            }
            // On a platform thread: the virtual threads' carriers are busy, and the samples must be on time.
            Thread sampler = Thread.ofPlatform().name("cpu-sampler").start(() -> {
                for (int end = 0; end < 2; end++) {
                    sleepUntil(end == 0 ? measureFrom : measureUntil);
                    driverCpu[end] = ProcessStats.cpuNanos(driverPid);
                    sidecarCpu[end] = sidecarPid == null ? 0 : ProcessStats.cpuNanos(sidecarPid);
                    everyProcessCpu.set(end, ProcessStats.cpuNanosByProcess());
                }
            });
            sampler.join();
        }
        var firstToken = new Histogram(PRECISION);
        var total = new Histogram(PRECISION);
        var firstTokenOutsideProvider = new Histogram(PRECISION);
        var totalOutsideProvider = new Histogram(PRECISION);
        var toProvider = new Histogram(PRECISION);
        long untimed = 0;
        long failures = 0;
        long warmupFailures = 0;
        String firstFailure = null;
        for (Worker worker : workers) {
            firstToken.add(worker.firstToken);
            total.add(worker.total);
            firstTokenOutsideProvider.add(worker.firstTokenOutsideProvider);
            totalOutsideProvider.add(worker.totalOutsideProvider);
            toProvider.add(worker.toProvider);
            untimed += worker.untimed;
            failures += worker.failures;
            warmupFailures += worker.warmupFailures;
            if (firstFailure == null) {
                firstFailure = worker.firstFailure;
            }
        }
        long driverCpuNanos = driverCpu[1] - driverCpu[0];
        long sidecarCpuNanos = sidecarCpu[1] - sidecarCpu[0];
        return new Result(
                mode,
                concurrency,
                window,
                firstToken,
                total,
                firstTokenOutsideProvider,
                totalOutsideProvider,
                toProvider,
                untimed,
                failures,
                warmupFailures,
                firstFailure,
                driverCpuNanos,
                sidecarPid == null ? OptionalLong.empty() : OptionalLong.of(sidecarCpuNanos),
                ProcessStats.otherCpuNanos(
                        everyProcessCpu.get(0),
                        everyProcessCpu.get(1),
                        sidecarPid == null ? Set.of(driverPid) : Set.of(driverPid, sidecarPid)));
    }

    private static void sleepUntil(long nanoTime) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanoTime - System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client stream after another; its histograms are read once its thread has ended. */
    private static final class Worker implements Runnable {
        private final StreamTarget target;
        private final ProviderTimings providerTimings;
        private final long firstStart;
        private final long measureFrom;
        private final long measureUntil;
        final Histogram firstToken = new Histogram(PRECISION);
        final Histogram total = new Histogram(PRECISION);
        final Histogram firstTokenOutsideProvider = new Histogram(PRECISION);
        final Histogram totalOutsideProvider = new Histogram(PRECISION);
        final Histogram toProvider = new Histogram(PRECISION);
        long untimed;
        long failures;
        long warmupFailures;

        @Nullable
        String firstFailure;

        Worker(
                StreamTarget target,
                ProviderTimings providerTimings,
                long firstStart,
                long measureFrom,
                long measureUntil) {
            this.target = target;
            this.providerTimings = providerTimings;
            this.firstStart = firstStart;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
        }

        @Override
        public void run() {
            sleepUntil(firstStart);
            for (long start = System.nanoTime(); start < measureUntil; start = System.nanoTime()) {
                String marker = ProviderTimings.marker(RUNS.incrementAndGet());
                try {
                    StreamTarget.Timing timing = target.stream(marker, () -> {});
                    FakeProvider.StreamTiming provider = providerTimings.take(marker);
                    if (start >= measureFrom) {
                        record(timing, provider);
                    }
                } catch (Exception e) {
                    if (start >= measureFrom) {
                        failures++;
                    } else {
                        warmupFailures++;
                    }
                    if (firstFailure == null) {
                        firstFailure = e.toString();
                    }
                    // A broken target fails at once; do not spin on it.
                    sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MIN_PAUSE_AFTER_FAILURE_MILLIS));
                }
            }
        }

        private void record(StreamTarget.Timing timing, FakeProvider.@Nullable StreamTiming provider) {
            firstToken.recordValue(micros(timing.firstTokenNanos()));
            total.recordValue(micros(timing.totalNanos()));
            if (provider == null) {
                untimed++;
                return;
            }
            long request = provider.received() - timing.start();
            toProvider.recordValue(micros(request));
            firstTokenOutsideProvider.recordValue(micros(request + timing.firstToken() - provider.firstToken()));
            totalOutsideProvider.recordValue(micros(request + timing.end() - provider.ending()));
        }

        private static long micros(long nanos) {
            return TimeUnit.NANOSECONDS.toMicros(nanos);
        }
    }
}
