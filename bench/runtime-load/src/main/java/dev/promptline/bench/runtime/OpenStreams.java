package dev.promptline.bench.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Many executions open at once in the sidecar, each streaming slowly: the sidecar's live heap, resident memory and
 * platform threads before they start, while they are open, and after all have ended.
 */
final class OpenStreams {
    private OpenStreams() {}

    /**
     * A process's memory at one moment; heap figures after a full collection.
     *
     * @param openFiles its file descriptors (sockets included), against its limit
     */
    record Snapshot(long liveHeapKiB, long committedHeapKiB, long residentKiB, long platformThreads, long openFiles) {
        static Snapshot of(long pid) {
            ProcessStats.Heap heap = ProcessStats.liveHeap(pid);
            return new Snapshot(
                    heap.usedKiB(),
                    heap.committedKiB(),
                    ProcessStats.residentKiB(pid),
                    ProcessStats.threads(pid),
                    ProcessStats.openFiles(pid));
        }
    }

    /**
     * @param open taken once every stream has its first token, or {@code snapshotWithin} after the first request
     * @param streamingAtSnapshot streams that had their first token when {@code open} was taken
     * @param openAtSnapshot streams neither completed nor failed when {@code open} was taken
     * @param allStreamingAfter from the first request to the last stream's first token; null if some never had one
     * @param completed streams that ended with the expected output
     * @param listenOverflows connections the kernel dropped for a full listen queue while the streams started
     */
    record Result(
            int streams,
            Snapshot idle,
            Snapshot open,
            long streamingAtSnapshot,
            long openAtSnapshot,
            Snapshot afterwards,
            @Nullable Duration allStreamingAfter,
            long completed,
            long failures,
            @Nullable String firstFailure,
            long listenOverflows) {

        /** Live heap per open stream, in KiB. */
        double heapPerStreamKiB() {
            return (open.liveHeapKiB() - idle.liveHeapKiB()) / (double) streams;
        }
    }

    /**
     * @param ramp the requests are spread over this time, as new executions would arrive, rather than in one burst of
     *     connections
     */
    static Result measure(StreamTarget target, int streams, long sidecarPid, Duration ramp, Duration snapshotWithin)
            throws InterruptedException {
        Snapshot idle = Snapshot.of(sidecarPid);
        var firstTokens = new CountDownLatch(streams);
        var lastFirstTokenAt = new AtomicLong();
        var completed = new AtomicLong();
        var failures = new AtomicLong();
        var firstFailure = new AtomicReference<@Nullable String>();
        Runnable firstToken = () -> {
            firstTokens.countDown();
            if (firstTokens.getCount() == 0) {
                lastFirstTokenAt.compareAndSet(0, System.nanoTime());
            }
        };
        Snapshot open;
        long streamingAtSnapshot;
        long openAtSnapshot;
        long overflowsBefore = ProcessStats.listenOverflows();
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                TimeUnit.NANOSECONDS.sleep(start + ramp.toNanos() * i / streams - System.nanoTime());
                String marker = "#open-" + i;
                threads.execute(() -> {
                    try {
                        target.stream(marker, firstToken);
                        completed.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                });
            }
            firstTokens.await(start + snapshotWithin.toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
            streamingAtSnapshot = streams - firstTokens.getCount();
            open = Snapshot.of(sidecarPid);
            openAtSnapshot = streams - completed.get() - failures.get();
        }
        long listenOverflows = ProcessStats.listenOverflows() - overflowsBefore;
        return new Result(
                streams,
                idle,
                open,
                streamingAtSnapshot,
                openAtSnapshot,
                Snapshot.of(sidecarPid),
                lastFirstTokenAt.get() == 0 ? null : Duration.ofNanos(lastFirstTokenAt.get() - start),
                completed.get(),
                failures.get(),
                firstFailure.get(),
                listenOverflows);
    }
}
