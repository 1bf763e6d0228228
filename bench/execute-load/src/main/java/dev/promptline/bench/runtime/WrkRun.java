package dev.promptline.bench.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One run of wrk, the load shape for plain requests: {@code connections} keep-alive connections over two
 * threads (as the figures were taken), each sending the next request the moment the previous answer is read,
 * with no think time; one fixed request (bench/execute.lua: method, body and the answer's expected text) and wrk's
 * own latency distribution. The CPU time of every process is sampled inside the run, from a second after its start to
 * half a second before its end, so that wrk is alive at both ends.
 */
final class WrkRun {
    private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s+(50|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s+(\\d+) requests in ");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s+Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("(?m)^\\s+Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRONG = Pattern.compile("(?m)^wrong answers: (\\d+)");
    private static final Pattern FIRST_WRONG = Pattern.compile("(?m)^first wrong answer: (.*)$");
    private static final Duration SAMPLE_AFTER_START = Duration.ofSeconds(1);
    private static final Duration SAMPLE_BEFORE_END = Duration.ofMillis(500);

    private WrkRun() {}

    /** Where wrk is and how it runs: its binary, its Lua script (bench/execute.lua) and its threads. */
    record Setup(Path wrk, Path script, int threads) {}

    /**
     * What wrk measured, and the CPU of each process over the sampled part of the run.
     *
     * @param p50Micros wrk's latency percentiles, in microseconds
     * @param wrong answers that were not 200 or lacked the expected text (counted by bench/execute.lua)
     * @param socketErrors wrk's connect, read, write and timeout errors together
     * @param sampled the part of the run the CPU figures cover
     * @param postgresCpuNanos this database's PostgreSQL backends
     * @param otherCpuNanos every process not otherwise listed (wrk, the driver, the service, Portkey, PostgreSQL's
     *     backends of this database and Redis are listed)
     */
    record Result(
            int connections,
            double requestsPerSecond,
            long requests,
            long p50Micros,
            long p90Micros,
            long p99Micros,
            long non2xx,
            long socketErrors,
            long wrong,
            @Nullable String firstWrong,
            Duration sampled,
            long wrkCpuNanos,
            long driverCpuNanos,
            long serviceCpuNanos,
            long portkeyCpuNanos,
            long postgresCpuNanos,
            long redisCpuNanos,
            long otherCpuNanos) {

        /** Requests answered in the sampled part, at the run's rate. */
        double sampledRequests() {
            return Math.max(1, requestsPerSecond * sampled.toNanos() / 1e9);
        }

        double disturbance() {
            return (double) otherCpuNanos / sampled.toNanos();
        }
    }

    /**
     * Runs wrk for {@code duration} at {@code connections} against {@code url}.
     *
     * @param headers sent on every request (wrk's {@code -H})
     * @param body the JSON body of every request
     * @param expected text every answer must contain
     * @param pids processes whose CPU is read: the driver, the service, Portkey (0 when not running)
     * @param database the service's database, whose PostgreSQL backends' CPU is read
     */
    static Result run(
            Setup setup,
            String url,
            Map<String, String> headers,
            String body,
            String expected,
            int connections,
            Duration duration,
            long driverPid,
            long servicePid,
            long portkeyPid,
            String database)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                setup.wrk().toString(),
                "-t" + Math.min(setup.threads(), connections),
                "-c" + connections,
                "-d" + Math.max(1, duration.toSeconds()) + "s",
                "--latency",
                "-s",
                setup.script().toString()));
        headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
        command.add(url);
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BENCH_BODY", body);
        builder.environment().put("BENCH_EXPECT", expected);
        long startedAt = System.nanoTime();
        Process wrk = builder.start();
        long wrkPid = wrk.pid();
        long from = startedAt + SAMPLE_AFTER_START.toNanos();
        long until = startedAt + duration.toNanos() - SAMPLE_BEFORE_END.toNanos();
        // The output is small (a few hundred bytes): read after the samples, wrk does not block on its pipe.
        TimeUnit.NANOSECONDS.sleep(from - System.nanoTime());
        Map<Long, Long> before = ProcessStats.cpuNanosByProcess();
        long sampledFrom = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(until - System.nanoTime());
        Map<Long, Long> after = ProcessStats.cpuNanosByProcess();
        Duration sampled = Duration.ofNanos(System.nanoTime() - sampledFrom);
        String output = new String(wrk.getInputStream().readAllBytes(), UTF_8);
        if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException("wrk did not end: " + output);
        }
        if (wrk.exitValue() != 0) {
            throw new IOException("wrk exited with " + wrk.exitValue() + ": " + output);
        }
        Set<Long> postgres = matching(
                after.keySet(),
                line -> line.startsWith("postgres: ")
                        // A backend's title: "postgres: 15/main: user database 127.0.0.1(port) idle".
                        && line.contains(" " + database + " "));
        Set<Long> redis = matching(after.keySet(), line -> line.startsWith("redis-server"));
        Set<Long> listed = new HashSet<>(Set.of(wrkPid, driverPid, servicePid));
        if (portkeyPid != 0) {
            listed.add(portkeyPid);
        }
        listed.addAll(postgres);
        listed.addAll(redis);
        Map<String, Long> percentiles = percentiles(output);
        long socketErrors = 0;
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        Matcher firstWrong = FIRST_WRONG.matcher(output);
        return new Result(
                connections,
                Double.parseDouble(find(REQUESTS_PER_SECOND, output, "Requests/sec")),
                Long.parseLong(find(REQUESTS, output, "requests in")),
                percentiles.get("50"),
                percentiles.get("90"),
                percentiles.get("99"),
                optional(NON_2XX, output),
                socketErrors,
                Long.parseLong(find(WRONG, output, "wrong answers (bench/execute.lua's done)")),
                firstWrong.find() ? firstWrong.group(1) : null,
                sampled,
                delta(before, after, Set.of(wrkPid)),
                delta(before, after, Set.of(driverPid)),
                delta(before, after, Set.of(servicePid)),
                portkeyPid == 0 ? 0 : delta(before, after, Set.of(portkeyPid)),
                delta(before, after, postgres),
                delta(before, after, redis),
                ProcessStats.otherCpuNanos(before, after, listed));
    }

    private static long delta(Map<Long, Long> before, Map<Long, Long> after, Set<Long> pids) {
        long nanos = 0;
        for (long pid : pids) {
            Long end = after.get(pid);
            if (end != null) {
                nanos += end - before.getOrDefault(pid, end);
            }
        }
        return nanos;
    }

    private static Set<Long> matching(Set<Long> pids, Predicate<String> commandLine) {
        Set<Long> matching = new HashSet<>();
        for (long pid : pids) {
            try {
                String command = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), UTF_8)
                        .replace('\0', ' ');
                if (commandLine.test(command)) {
                    matching.add(pid);
                }
            } catch (IOException gone) {
                // ended since the snapshot
            }
        }
        return matching;
    }

    private static Map<String, Long> percentiles(String output) {
        Map<String, Long> micros = new HashMap<>();
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double value = Double.parseDouble(percentile.group(2));
            double factor = switch (percentile.group(3)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            micros.put(percentile.group(1), Math.round(value * factor));
        }
        if (micros.size() != 3) {
            throw new IllegalStateException("No latency distribution in wrk's output: " + output);
        }
        return micros;
    }

    private static String find(Pattern pattern, String output, String what) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + what + " in wrk's output: " + output);
        }
        return matcher.group(1);
    }

    private static long optional(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** Milliseconds with two decimals. */
    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }
}
