package dev.promptline.bench.runtime;

import dev.promptline.bench.runtime.Options.Mode;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Measures what the runtime adds to a streamed completion: the same completions straight to a fake OpenAI provider,
 * through the sidecar, and through the in-process runtime, at each concurrency, first with a provider that answers at
 * once (the CPU per execution, and the throughput), then with one paced as a real provider (a time to the first token,
 * a time between tokens), where the CPU is not saturated; then the sidecar's memory with many slow streams open at
 * once. Prints Markdown tables. See bench/runtime-load.sh.
 */
public final class RuntimeLoad {
    // Enough for the slowest stream (the open-streams run), short enough that a stuck run ends by itself.
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(2);
    private static final double DISTURBANCE = 0.1;
    private static final Duration OPEN_RAMP = Duration.ofSeconds(5);
    // After the ramp, with time to spare before the first streams end.
    private static final Duration SNAPSHOT_WITHIN = Duration.ofSeconds(15);

    private RuntimeLoad() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        long driverPid = ProcessHandle.current().pid();
        List<String> tokens = tokens(options.tokens());
        System.out.printf(
                "%s, JDK %s, %d cores shared by the driver (load and fake provider) and the sidecar%n%n",
                LocalDate.now(), Runtime.version(), Runtime.getRuntime().availableProcessors());

        String requestBody = requestBodyTheRuntimeSends(options, tokens);
        Reply.Stream atOnce = Reply.stream(tokens.toArray(String[]::new));
        Reply.Stream paced =
                atOnce.firstTokenAfter(options.pacedFirstToken()).tokenInterval(options.pacedTokenInterval());
        // Every path's code is compiled before any row is measured: on 2 shared cores, C2 keeps compiling the
        // sidecar's code for a minute or more, and a row measured during that pays for it.
        int busiest = Stream.concat(options.concurrency().stream(), options.pacedConcurrency().stream())
                .max(Integer::compare)
                .orElse(1);
        for (Mode mode : options.modes()) {
            System.err.printf("warming up %s, %d streams%n", mode.label, busiest);
            load(mode, busiest, options.initialWarmup(), Duration.ZERO, atOnce, requestBody, options, driverPid);
        }
        List<ClosedLoop.Result> results = new ArrayList<>();
        for (int concurrency : options.concurrency()) {
            for (Mode mode : options.modes()) {
                results.add(leastDisturbed(mode, concurrency, atOnce, requestBody, options, driverPid));
            }
        }
        List<ClosedLoop.Result> pacedResults = new ArrayList<>();
        for (int concurrency : options.pacedConcurrency()) {
            for (Mode mode : options.modes()) {
                pacedResults.add(leastDisturbed(mode, concurrency, paced, requestBody, options, driverPid));
            }
        }
        System.out.printf(
                "Closed loop, %d tokens per answer sent at once; each path warmed up for %s at the highest concurrency,"
                        + " then per row %s of warm-up and %s measured:%n%n",
                options.tokens(),
                seconds(options.initialWarmup()),
                seconds(options.warmup()),
                seconds(options.window()));
        printLoad(results);
        if (!pacedResults.isEmpty()) {
            System.out.printf(
                    "Paced provider: first token after %d ms, then a token every %d ms (%d tokens); closed loop, per row"
                            + " %s of warm-up and %s measured:%n%n",
                    options.pacedFirstToken().toMillis(),
                    options.pacedTokenInterval().toMillis(),
                    options.tokens(),
                    seconds(options.warmup()),
                    seconds(options.window()));
            printLoad(pacedResults);
        }

        if (options.openStreams() > 0) {
            List<String> slowTokens = tokens(options.slowTokens());
            try (var fake = FakeProvider.openAi();
                    var sidecar = RuntimeTarget.sidecar(
                            options.sidecarPort(), fake.baseUrl(), String.join("", slowTokens), CALL_DEADLINE)) {
                fake.setDefault(
                        Reply.stream(slowTokens.toArray(String[]::new)).tokenInterval(options.slowTokenInterval()));
                printOpenStreams(
                        OpenStreams.measure(
                                sidecar, options.openStreams(), options.sidecarPid(), OPEN_RAMP, SNAPSHOT_WITHIN),
                        options);
            }
        }
    }

    /**
     * Runs a row again, up to {@code --attempts} times (3 by default), while other processes took more than {@link #DISTURBANCE} of
     * a core during its window: the machine is shared, and a build running beside the driver halves its figures.
     */
    private static ClosedLoop.Result leastDisturbed(
            Mode mode, int concurrency, Reply.Stream reply, String requestBody, Options options, long driverPid)
            throws IOException, InterruptedException {
        ClosedLoop.Result best = null;
        for (int attempt = 1; attempt <= options.attempts(); attempt++) {
            long overflowsBefore = ProcessStats.listenOverflows();
            ClosedLoop.Result result =
                    load(mode, concurrency, options.warmup(), options.window(), reply, requestBody, options, driverPid);
            double disturbance =
                    (double) result.otherCpuNanos() / result.window().toNanos();
            System.err.printf(
                    Locale.ROOT,
                    "%s%s, %d streams: %.0f executions/s, %d failures (%d in the warm-up), %d connections dropped for a"
                            + " full listen queue; other processes used %.0f%% of a core%n",
                    mode.label,
                    reply.firstTokenAfter().isZero() ? "" : " (paced)",
                    concurrency,
                    result.executionsPerSecond(),
                    result.failures(),
                    result.warmupFailures(),
                    ProcessStats.listenOverflows() - overflowsBefore,
                    100 * disturbance);
            if (best == null || result.otherCpuNanos() < best.otherCpuNanos()) {
                best = result;
            }
            if (disturbance <= DISTURBANCE) {
                break;
            }
        }
        return best;
    }

    private static ClosedLoop.Result load(
            Mode mode,
            int concurrency,
            Duration warmup,
            Duration window,
            Reply.Stream reply,
            String requestBody,
            Options options,
            long driverPid)
            throws IOException, InterruptedException {
        // A fake provider per run: it records every request it receives, which would otherwise add up.
        try (var fake = FakeProvider.openAi()) {
            fake.setDefault(reply);
            var providerTimings = new ProviderTimings();
            fake.onStreamTiming(providerTimings);
            String output = String.join("", reply.tokens());
            try (StreamTarget target = switch (mode) {
                case DIRECT ->
                    new DirectTarget(
                            fake.baseUrl(),
                            requestBody,
                            RuntimeTarget.API_KEY,
                            reply.tokens().size());
                case SIDECAR -> RuntimeTarget.sidecar(options.sidecarPort(), fake.baseUrl(), output, CALL_DEADLINE);
                case IN_PROCESS -> RuntimeTarget.inProcess(fake.baseUrl(), output, CALL_DEADLINE);
            }) {
                return ClosedLoop.run(
                        mode.label,
                        target,
                        providerTimings,
                        concurrency,
                        ClosedLoop.answerLength(reply),
                        warmup,
                        window,
                        driverPid,
                        mode == Mode.SIDECAR ? options.sidecarPid() : null);
            }
        }
    }

    /** The direct path sends exactly what LangChain4j sends for the same execution. */
    private static String requestBodyTheRuntimeSends(Options options, List<String> tokens) throws Exception {
        try (var fake = FakeProvider.openAi();
                var sidecar = RuntimeTarget.sidecar(
                        options.sidecarPort(), fake.baseUrl(), String.join("", tokens), CALL_DEADLINE)) {
            fake.setDefault(Reply.stream(tokens.toArray(String[]::new)));
            sidecar.stream(RuntimeTarget.MARKER, () -> {});
            return fake.requests().getFirst().body();
        }
    }

    private static List<String> tokens(int count) {
        return IntStream.range(0, count).mapToObj(i -> "word" + i + " ").toList();
    }

    /**
     * One row per result. "Outside the provider" is each stream's time not spent in the provider (see {@link
     * ClosedLoop}); "added" is a path's percentile of it minus the direct path's at the same concurrency.
     */
    private static void printLoad(List<ClosedLoop.Result> results) {
        System.out.println("| Path | Concurrent streams | Executions/s | First token p50 | Total p50 | Total p99 "
                + "| Outside the provider p50 (first token / total) | Outside the provider p99 (first token / total) "
                + "| Of which the request p50 "
                + "| Added p50 (first token / total) | Added p99 (first token / total) "
                + "| CPU per execution | Failures | Other processes' CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (ClosedLoop.Result result : results) {
            ClosedLoop.Result direct = results.stream()
                    .filter(other -> other.concurrency() == result.concurrency()
                            && other.mode().equals(Mode.DIRECT.label))
                    .findFirst()
                    .orElse(null);
            boolean added = direct != null && direct != result;
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %.0f%% |%n",
                    result.mode(),
                    result.concurrency(),
                    result.executionsPerSecond(),
                    millis(result.firstToken(), 50),
                    millis(result.total(), 50),
                    millis(result.total(), 99),
                    millis(result.firstTokenOutsideProvider(), 50) + " / " + millis(result.totalOutsideProvider(), 50),
                    millis(result.firstTokenOutsideProvider(), 99) + " / " + millis(result.totalOutsideProvider(), 99),
                    millis(result.toProvider(), 50),
                    added ? added(result, direct, 50) : "",
                    added ? added(result, direct, 99) : "",
                    cpuPerExecution(result),
                    result.failures(),
                    100.0 * result.otherCpuNanos() / result.window().toNanos());
            if (result.firstFailure() != null) {
                System.err.println("First failure of " + result.mode() + ": " + result.firstFailure());
            }
            if (result.untimed() > 0) {
                System.err.printf("%s: %d streams had no timing from the provider%n", result.mode(), result.untimed());
            }
        }
        System.out.println();
    }

    private static String added(ClosedLoop.Result result, ClosedLoop.Result direct, double percentile) {
        return addedMillis(result.firstTokenOutsideProvider(), direct.firstTokenOutsideProvider(), percentile) + " / "
                + addedMillis(result.totalOutsideProvider(), direct.totalOutsideProvider(), percentile);
    }

    private static void printOpenStreams(OpenStreams.Result result, Options options) {
        System.out.printf(
                Locale.ROOT,
                "%,d executions started over %d s in the sidecar, each streaming %d tokens %d ms apart:%n%n",
                result.streams(),
                OPEN_RAMP.toSeconds(),
                options.slowTokens(),
                options.slowTokenInterval().toMillis());
        System.out.println("| Sidecar | Live heap | Heap committed | Resident memory | Platform threads |");
        System.out.println("|---|---|---|---|---|");
        printSnapshot("idle, before", result.idle());
        printSnapshot(
                "%,d still open; %,d had their first token"
                        .formatted(result.openAtSnapshot(), result.streamingAtSnapshot()),
                result.open());
        printSnapshot("after they ended", result.afterwards());
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Every stream had its first token after: %s; completed with the right output: %,d; failed: %,d; "
                        + "live heap per open execution: %.1f KiB; connections dropped for a full listen queue: %d%n",
                result.allStreamingAfter() == null
                        ? "never"
                        : "%.1f s".formatted(result.allStreamingAfter().toMillis() / 1000.0),
                result.completed(),
                result.failures(),
                result.heapPerStreamKiB(),
                result.listenOverflows());
        if (result.firstFailure() != null) {
            System.out.println("First failure: " + result.firstFailure());
        }
    }

    private static void printSnapshot(String when, OpenStreams.Snapshot snapshot) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f MiB | %.0f MiB | %.0f MiB | %d |%n",
                when,
                snapshot.liveHeapKiB() / 1024.0,
                snapshot.committedHeapKiB() / 1024.0,
                snapshot.residentKiB() / 1024.0,
                snapshot.platformThreads());
    }

    private static String cpuPerExecution(ClosedLoop.Result result) {
        long executions = Math.max(1, result.executions());
        String driver = "driver %,d µs".formatted(result.driverCpuNanos() / 1000 / executions);
        return result.sidecarCpuNanos().isPresent()
                ? driver
                        + " + sidecar %,d µs".formatted(result.sidecarCpuNanos().getAsLong() / 1000 / executions)
                : driver;
    }

    private static String millis(Histogram micros, double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", micros.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String addedMillis(Histogram micros, Histogram directMicros, double percentile) {
        long added = micros.getValueAtPercentile(percentile) - directMicros.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%+.2f ms", added / 1000.0);
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
