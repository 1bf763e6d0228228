package dev.promptline.bench.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.promptline.bench.execute.Api;
import dev.promptline.bench.execute.Database;
import dev.promptline.bench.execute.ServiceMetrics;
import dev.promptline.bench.runtime.ExecuteLoadOptions.Mode;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Measures what the service adds to an execution: {@code POST /api/v1/prompts/{id}/execute} of the packaged service
 * (its own JVM, started by bench/execute-load.sh against PostgreSQL and Redis), plain and streamed, against the same
 * streamed completion sent straight to a fake OpenAI provider in this JVM, and through Portkey's open-source gateway
 * (the peer, when the script started it), at each concurrency; then many slow streamed executions held open at once,
 * with the service's memory and the records they left. Prints Markdown.
 *
 * <p>In runtime-load's package: it reuses that driver's closed loop, process statistics, open-streams run and direct
 * target, which are package-private there.
 */
public final class ExecuteLoad {
    private ExecuteLoad() {}

    /**
     * One measured row.
     *
     * @param postgresCpuNanos CPU time of this database's PostgreSQL backends in the window
     * @param redisCpuNanos CPU time of Redis in the window
     * @param portkeyCpuNanos CPU time of Portkey's gateway in the window; 0 when it is not running
     * @param service the service's memory at the end of the row; null for the direct path
     * @param providerConnections TCP connections opened to the fake provider during the row, warm-up included
     * @param providerRequests completion requests the fake provider served during the row, warm-up included
     * @param poolAcquireMicros mean wait for a database connection in the service during the row, warm-up included
     * @param poolAcquires database connections the service took from its pool during the row, warm-up included
     * @param poolUsageMicros mean time the service held a database connection during the row, warm-up included
     * @param recordsWritten execution records the service wrote during the row, warm-up included
     */
    record Row(
            Mode mode,
            ClosedLoop.Result result,
            long postgresCpuNanos,
            long redisCpuNanos,
            long portkeyCpuNanos,
            OpenStreams.@Nullable Snapshot service,
            long providerConnections,
            long providerRequests,
            double poolAcquireMicros,
            double poolAcquires,
            double poolUsageMicros,
            long recordsWritten) {

        /** CPU time of other processes on the machine in the window, in cores. */
        double disturbance() {
            return (double) (result.otherCpuNanos() - postgresCpuNanos - redisCpuNanos - portkeyCpuNanos)
                    / result.window().toNanos();
        }
    }

    public static void main(String[] args) throws Exception {
        ExecuteLoadOptions options = ExecuteLoadOptions.parse(args);
        long driverPid = ProcessHandle.current().pid();
        System.out.printf(
                "%s, JDK %s, %d cores shared by the driver (load and fake provider), the service, PostgreSQL and Redis%s;"
                        + " load average at start %s%n%n",
                LocalDate.now(ZoneOffset.UTC),
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                options.portkey() == null ? "" : " and Portkey's gateway",
                loadAverage());
        try (var api = new Api(options.service(), options.apiKey());
                var metrics = new ServiceMetrics(options.management())) {
            var bench = new ExecuteLoad.Bench(options, api, metrics, new Database(options.database()), driverPid);
            bench.run();
        }
    }

    /** The state of one run: the model and prompt on the service, and the request body the runtime sends. */
    private static final class Bench {
        private final ExecuteLoadOptions options;
        private final Api api;
        private final ServiceMetrics metrics;
        private final Database database;
        private final long driverPid;
        private final String output;
        private @Nullable String modelId;
        private @Nullable String promptName;
        private @Nullable String promptId;
        private @Nullable String requestBody;

        Bench(ExecuteLoadOptions options, Api api, ServiceMetrics metrics, Database database, long driverPid) {
            this.options = options;
            this.api = api;
            this.metrics = metrics;
            this.database = database;
            this.driverPid = driverPid;
            this.output = String.join("", tokens(options.tokens()));
        }

        void run() throws Exception {
            System.out.printf(
                    "PostgreSQL %s, autovacuum %s: before each run the driver vacuums and analyzes the executions"
                            + " table, as autovacuum would on a default server%n%n",
                    database.query("SHOW server_version").getFirst(),
                    database.query("SHOW autovacuum").getFirst());
            setUp();
            int busiest = options.concurrency().stream().max(Integer::compare).orElse(1);
            // Every path's code is compiled before any row is measured: on 2 shared cores, C2 keeps compiling the
            // service's code for a minute or more, and a row measured during that pays for it.
            for (Mode mode : options.concurrency().isEmpty() ? List.<Mode>of() : options.modes()) {
                System.err.printf("warming up %s, %d clients, %s%n", mode.label, busiest, options.initialWarmup());
                load(mode, busiest, options.initialWarmup(), Duration.ZERO, closedLoopPace());
            }
            List<Row> rows = new ArrayList<>();
            for (int concurrency : options.concurrency()) {
                for (Mode mode : options.modes()) {
                    rows.add(leastDisturbed(mode, concurrency, closedLoopPace()));
                }
            }
            if (!rows.isEmpty()) {
                printLoad(rows, closedLoopPace());
            }
            if (options.wrk() != null) {
                wrkPhase(rows, requireNonNull(options.wrk()));
            }
            // Paced: a provider that takes its time, as real ones do, so that the clients do not saturate the cores
            // and the added latency is the service's own work rather than the queue for CPU.
            List<Row> paced = new ArrayList<>();
            for (int concurrency : options.pacedConcurrency()) {
                for (Mode mode : options.modes()) {
                    paced.add(leastDisturbed(mode, concurrency, pacedPace()));
                }
            }
            if (!paced.isEmpty()) {
                printLoad(paced, pacedPace());
            }
            if (options.openStreams() > 0) {
                openStreams();
            }
            System.out.println();
            System.out.println("Every record in the database, by status: "
                    + String.join(
                            ", ", database.query("SELECT status || ' ' || count(*) FROM executions GROUP BY status")));
        }

        /** The model and prompt, and one execution through the service to learn the body the runtime sends. */
        private void setUp() throws Exception {
            try (var fake = FakeProvider.openAi()) {
                fake.setDefault(reply(closedLoopPace()));
                modelId = api.createModel("bench-" + System.currentTimeMillis(), fake.baseUrl());
                promptName = "bench-execute-" + System.currentTimeMillis();
                promptId = api.createPrompt(promptName, modelId);
                try (var target = new ServiceTarget(api, promptId, false, output)) {
                    target.stream(RuntimeTarget.MARKER, () -> {});
                }
                requestBody = fake.requests().getFirst().body();
            }
            System.err.println("the request body the runtime sends: " + requestBody);
        }

        /**
         * What autovacuum does on a default server: without it (the local test server runs with it off) every run
         * leaves the executions table's updated rows dead in its ten indexes, and without statistics the planner
         * reads the status-updating statements through a partial index full of them, so the database's cost per
         * execution grows with every run.
         */
        private void vacuum() throws IOException, InterruptedException {
            database.query("VACUUM (ANALYZE) executions");
        }

        private Pace closedLoopPace() {
            return new Pace(options.firstTokenAfter(), options.tokensPerSecond(), options.tokens());
        }

        private Pace pacedPace() {
            return new Pace(options.pacedFirstTokenAfter(), options.pacedTokensPerSecond(), options.pacedTokens());
        }

        private Reply.Stream reply(Pace pace) {
            Reply.Stream reply =
                    Reply.stream(tokens(pace.tokens()).toArray(String[]::new)).firstTokenAfter(pace.firstTokenAfter());
            return pace.tokensPerSecond() > 0 ? reply.tokensPerSecond(pace.tokensPerSecond()) : reply;
        }

        /**
         * Runs a row again, up to {@code attempts} times, while other processes (not the driver, the service, this
         * database's PostgreSQL backends or Redis) took more than {@code maxDisturbance} of a core in its window.
         */
        private Row leastDisturbed(Mode mode, int concurrency, Pace pace) throws Exception {
            Row best = null;
            for (int attempt = 1; attempt <= options.attempts(); attempt++) {
                long overflowsBefore = ProcessStats.listenOverflows();
                Row row = load(mode, concurrency, options.warmup(), options.window(), pace);
                ClosedLoop.Result result = row.result();
                System.err.printf(
                        Locale.ROOT,
                        "%s, %d clients: %.0f executions/s, p50 %.2f ms, %d failures (%d in the warm-up), %d connections"
                                + " dropped for a full listen queue; other processes used %.0f%% of a core; load"
                                + " average %s%n",
                        mode.label,
                        concurrency,
                        result.executionsPerSecond(),
                        result.total().getValueAtPercentile(50) / 1000.0,
                        result.failures(),
                        result.warmupFailures(),
                        ProcessStats.listenOverflows() - overflowsBefore,
                        100 * row.disturbance(),
                        loadAverage());
                if (result.firstFailure() != null) {
                    System.err.println("  first failure: " + result.firstFailure());
                }
                if (best == null || row.disturbance() < best.disturbance()) {
                    best = row;
                }
                if (row.disturbance() <= options.maxDisturbance()) {
                    break;
                }
            }
            return best;
        }

        private Row load(Mode mode, int concurrency, Duration warmup, Duration window, Pace pace) throws Exception {
            vacuum();
            long recordsBefore = records();
            String paceOutput = String.join("", tokens(pace.tokens()));
            // A fake provider per run: it records every request it receives, which would otherwise add up.
            try (var fake = FakeProvider.openAi()) {
                Reply.Stream reply = reply(pace);
                fake.setDefault(reply);
                var providerTimings = new ProviderTimings();
                fake.onStreamTiming(providerTimings);
                if (mode.throughService()) {
                    api.setBaseUrl(requireNonNull(modelId), fake.baseUrl());
                }
                ServiceMetrics.Scrape before = metrics.scrape();
                Map<String, String> portkeyRoute =
                        Map.of("x-portkey-provider", "openai", "x-portkey-custom-host", fake.baseUrl());
                StreamTarget target = switch (mode) {
                    case DIRECT_PLAIN ->
                        new PlainTarget(
                                fake.baseUrl(), requireNonNull(requestBody), Api.PROVIDER_KEY, paceOutput, Map.of());
                    case PORTKEY_PLAIN ->
                        new PlainTarget(
                                requireNonNull(options.portkey()) + "/v1",
                                requireNonNull(requestBody),
                                Api.PROVIDER_KEY,
                                paceOutput,
                                portkeyRoute);
                    case DIRECT ->
                        new DirectTarget(fake.baseUrl(), requireNonNull(requestBody), Api.PROVIDER_KEY, pace.tokens());
                    // The same request as direct, through the gateway, routed to the fake provider by its headers.
                    case PORTKEY ->
                        new DirectTarget(
                                requireNonNull(options.portkey()) + "/v1",
                                requireNonNull(requestBody),
                                Api.PROVIDER_KEY,
                                pace.tokens(),
                                portkeyRoute);
                    case PLAIN -> new ServiceTarget(api, requireNonNull(promptId), false, paceOutput);
                    case COMPATIBLE_PLAIN -> PlainTarget.compatible(api, requireNonNull(promptName), paceOutput);
                    // Every closed-loop request carries its own marker, so none would be a hit.
                    case CACHED_PLAIN ->
                        throw new IllegalArgumentException("cached_plain runs under wrk only: pass --concurrency=");
                    case STREAMED -> new ServiceTarget(api, requireNonNull(promptId), true, paceOutput);
                };
                try {
                    var infrastructure = new InfrastructureCpu(database.name(), options.portkeyPid(), warmup, window);
                    ClosedLoop.Result result = ClosedLoop.run(
                            mode.label,
                            target,
                            providerTimings,
                            concurrency,
                            ClosedLoop.answerLength(reply),
                            warmup,
                            window,
                            driverPid,
                            options.servicePid());
                    infrastructure.join();
                    ServiceMetrics.Scrape after = metrics.scrape();
                    double acquires = after.sum("hikaricp_connections_acquire_seconds_count")
                            - before.sum("hikaricp_connections_acquire_seconds_count");
                    double acquireSeconds = after.sum("hikaricp_connections_acquire_seconds_sum")
                            - before.sum("hikaricp_connections_acquire_seconds_sum");
                    double usages = after.sum("hikaricp_connections_usage_seconds_count")
                            - before.sum("hikaricp_connections_usage_seconds_count");
                    double usageSeconds = after.sum("hikaricp_connections_usage_seconds_sum")
                            - before.sum("hikaricp_connections_usage_seconds_sum");
                    OpenStreams.Snapshot service = !mode.throughService() || window.isZero()
                            ? null
                            : OpenStreams.Snapshot.of(options.servicePid());
                    return new Row(
                            mode,
                            result,
                            infrastructure.postgresNanos(),
                            infrastructure.redisNanos(),
                            infrastructure.portkeyNanos(),
                            service,
                            fake.connectionCount(),
                            fake.requestCount(),
                            acquires == 0 ? 0 : acquireSeconds * 1e6 / acquires,
                            acquires,
                            usages == 0 ? 0 : usageSeconds * 1e6 / usages,
                            records() - recordsBefore);
                } finally {
                    target.close();
                }
            }
        }

        /**
         * The plain modes again under wrk (the load shape): each at each of wrk's connection counts, after a
         * run of the row's warm-up, against the same fake provider; then the two shapes side by side.
         */
        private void wrkPhase(List<Row> closedLoop, WrkRun.Setup wrk) throws Exception {
            if (closedLoop.isEmpty()) {
                // No closed loop ran before, so nothing has compiled the service's code yet: each path is warmed up
                // first, as the closed loops are (without it the first rows measure C2 at work).
                int busiest =
                        options.wrkConnections().stream().max(Integer::compare).orElse(1);
                for (Mode mode : options.modes()) {
                    if (mode.plain) {
                        System.err.printf(
                                "warming up %s under wrk, %d connections, %s%n",
                                mode.label, busiest, options.initialWarmup());
                        wrkRow(wrk, mode, busiest, options.initialWarmup(), Duration.ZERO);
                    }
                }
            }
            List<WrkRow> rows = new ArrayList<>();
            for (int connections : options.wrkConnections()) {
                for (Mode mode : options.modes()) {
                    if (mode.plain) {
                        rows.add(leastDisturbedWrk(wrk, mode, connections));
                    }
                }
            }
            printWrk(rows, closedLoop, wrk);
        }

        /** What wrk sends, and the text every answer must contain. */
        private record WrkRequest(String url, String body, String expected) {}

        /** A wrk row and the fake provider's and the database's side of it (its warm-up included). */
        private record WrkRow(Mode mode, WrkRun.Result result, long providerRequests, long recordsWritten) {}

        private WrkRow leastDisturbedWrk(WrkRun.Setup wrk, Mode mode, int connections) throws Exception {
            WrkRow best = null;
            for (int attempt = 1; attempt <= options.attempts(); attempt++) {
                WrkRow row = requireNonNull(wrkRow(wrk, mode, connections, options.warmup(), options.window()));
                WrkRun.Result result = row.result();
                System.err.printf(
                        Locale.ROOT,
                        "wrk, %s, %d connections: %.0f requests/s, p50 %s ms, %d wrong, %d non-2xx, %d socket errors;"
                                + " other processes used %.0f%% of a core; load average %s%n",
                        mode.label,
                        connections,
                        result.requestsPerSecond(),
                        WrkRun.millis(result.p50Micros()),
                        result.wrong(),
                        result.non2xx(),
                        result.socketErrors(),
                        100 * result.disturbance(),
                        loadAverage());
                if (result.firstWrong() != null) {
                    System.err.println("  first wrong answer: " + result.firstWrong());
                }
                if (best == null || result.disturbance() < best.result().disturbance()) {
                    best = row;
                }
                if (result.disturbance() <= options.maxDisturbance()) {
                    break;
                }
            }
            return best;
        }

        /** A run of {@code warmup}, then one of {@code window} measured; null when the window is zero. */
        private @Nullable WrkRow wrkRow(WrkRun.Setup wrk, Mode mode, int connections, Duration warmup, Duration window)
                throws Exception {
            vacuum();
            long recordsBefore = records();
            Pace pace = closedLoopPace();
            String paceOutput = String.join("", tokens(pace.tokens()));
            try (var fake = FakeProvider.openAi()) {
                fake.setDefault(reply(pace));
                // Direct, wrk sends tens of thousands of requests a second: counted, not kept.
                fake.keepRequests(false);
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                WrkRequest request = switch (mode) {
                    case DIRECT_PLAIN, PORTKEY_PLAIN -> {
                        headers.put("Authorization", "Bearer " + Api.PROVIDER_KEY);
                        if (mode == Mode.PORTKEY_PLAIN) {
                            headers.put("x-portkey-provider", "openai");
                            headers.put("x-portkey-custom-host", fake.baseUrl());
                        }
                        yield new WrkRequest(
                                (mode == Mode.DIRECT_PLAIN ? fake.baseUrl() : options.portkey() + "/v1")
                                        + "/chat/completions",
                                PlainTarget.plainBody(requireNonNull(requestBody))
                                        .replace(RuntimeTarget.MARKER, "wrk"),
                                "\"content\":\"" + paceOutput + "\"");
                    }
                    case PLAIN -> {
                        api.setBaseUrl(requireNonNull(modelId), fake.baseUrl());
                        headers.put("Authorization", "Bearer " + api.apiKey());
                        headers.put("Accept", "application/json");
                        yield new WrkRequest(
                                options.service() + "/api/v1/prompts/" + requireNonNull(promptId) + "/execute",
                                Api.executeBody("wrk"),
                                "\"output\":\"" + paceOutput + "\"");
                    }
                    case COMPATIBLE_PLAIN -> {
                        api.setBaseUrl(requireNonNull(modelId), fake.baseUrl());
                        headers.put("Authorization", "Bearer " + api.apiKey());
                        yield new WrkRequest(
                                options.service() + "/v1/chat/completions",
                                PlainTarget.compatibleBody(requireNonNull(promptName))
                                        .replace(RuntimeTarget.MARKER, "wrk"),
                                "\"content\":\"" + paceOutput + "\"");
                    }
                    case CACHED_PLAIN -> {
                        api.setBaseUrl(requireNonNull(modelId), fake.baseUrl());
                        headers.put("Authorization", "Bearer " + api.apiKey());
                        headers.put("Accept", "application/json");
                        String body = Api.executeBody("wrk");
                        yield new WrkRequest(
                                options.service() + "/api/v1/prompts/" + requireNonNull(promptId) + "/execute",
                                body.substring(0, body.length() - 1) + ",\"cacheTtl\":\"3600s\"}",
                                "\"cachedFrom\"");
                    }
                    case DIRECT, PORTKEY, STREAMED -> throw new IllegalArgumentException("wrk runs plain modes only");
                };
                WrkRun.Result result = null;
                for (Duration duration : List.of(warmup, window)) {
                    if (duration.isZero()) {
                        continue;
                    }
                    result = WrkRun.run(
                            wrk,
                            request.url(),
                            headers,
                            request.body(),
                            request.expected(),
                            connections,
                            duration,
                            driverPid,
                            options.servicePid(),
                            options.portkeyPid(),
                            database.name());
                }
                return window.isZero()
                        ? null
                        : new WrkRow(mode, requireNonNull(result), fake.requestCount(), records() - recordsBefore);
            }
        }

        private void printWrk(List<WrkRow> rows, List<Row> closedLoop, WrkRun.Setup wrk) {
            Pace pace = closedLoopPace();
            System.out.printf(
                    "The plain paths under wrk (%s threads, N keep-alive connections, no think time, bench/execute.lua;"
                            + " the issue's shape), %d tokens per answer at once; per row %s of warm-up and %s"
                            + " measured:%n%n",
                    wrk.threads(), pace.tokens(), seconds(options.warmup()), seconds(options.window()));
            System.out.println("| Path | Connections | Requests/s | Latency p50 / p90 / p99 | Added p50 / p99 |"
                    + " Wrong answers, non-2xx, socket errors | CPU per request: wrk / driver and fake / service /"
                    + " Portkey / PostgreSQL / Redis | Execution records written per request | Other processes |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (WrkRow row : rows) {
                WrkRun.Result result = row.result();
                WrkRow direct = wrkPeer(rows, row, Mode.DIRECT_PLAIN);
                double requests = result.sampledRequests();
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %,.0f | %s / %s / %s ms | %s | %d, %d, %d | %.0f µs / %.0f µs / %.0f µs / %.0f µs"
                                + " / %.0f µs / %.0f µs | %.2f | %.0f%% of a core |%n",
                        row.mode().label,
                        result.connections(),
                        result.requestsPerSecond(),
                        WrkRun.millis(result.p50Micros()),
                        WrkRun.millis(result.p90Micros()),
                        WrkRun.millis(result.p99Micros()),
                        direct == null || direct == row
                                ? ""
                                : "%+.2f ms / %+.2f ms"
                                        .formatted(
                                                (result.p50Micros()
                                                                - direct.result()
                                                                        .p50Micros())
                                                        / 1000.0,
                                                (result.p99Micros()
                                                                - direct.result()
                                                                        .p99Micros())
                                                        / 1000.0),
                        result.wrong(),
                        result.non2xx(),
                        result.socketErrors(),
                        result.wrkCpuNanos() / 1000.0 / requests,
                        result.driverCpuNanos() / 1000.0 / requests,
                        result.serviceCpuNanos() / 1000.0 / requests,
                        result.portkeyCpuNanos() / 1000.0 / requests,
                        result.postgresCpuNanos() / 1000.0 / requests,
                        result.redisCpuNanos() / 1000.0 / requests,
                        (double) row.recordsWritten() / Math.max(1, row.providerRequests()),
                        100 * result.disturbance());
            }
            System.out.println();
            System.out.println("| Path | Connections | Requests/s against Portkey | Latency p50 / p99 against Portkey |"
                    + " Closed loop (this run) executions/s, total p50 | wrk ÷ closed loop: executions/s, p50 |");
            System.out.println("|---|---|---|---|---|---|");
            for (WrkRow row : rows) {
                WrkRun.Result result = row.result();
                WrkRow portkey = wrkPeer(rows, row, Mode.PORTKEY_PLAIN);
                Row loop = peer(closedLoop, result.connections(), row.mode());
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %s | %s | %s | %s |%n",
                        row.mode().label,
                        result.connections(),
                        portkey == null || portkey == row
                                ? ""
                                : "×%.2f"
                                        .formatted(result.requestsPerSecond()
                                                / portkey.result().requestsPerSecond()),
                        portkey == null || portkey == row
                                ? ""
                                : "×%.2f / ×%.2f"
                                        .formatted(
                                                (double) result.p50Micros()
                                                        / portkey.result().p50Micros(),
                                                (double) result.p99Micros()
                                                        / portkey.result().p99Micros()),
                        loop == null
                                ? ""
                                : "%,.0f, %.2f ms"
                                        .formatted(
                                                loop.result().executionsPerSecond(),
                                                loop.result().total().getValueAtPercentile(50) / 1000.0),
                        loop == null
                                ? ""
                                : "×%.2f, ×%.2f"
                                        .formatted(
                                                result.requestsPerSecond()
                                                        / Math.max(
                                                                1e-9,
                                                                loop.result().executionsPerSecond()),
                                                result.p50Micros()
                                                        / Math.max(
                                                                1.0,
                                                                loop.result()
                                                                        .total()
                                                                        .getValueAtPercentile(50))));
            }
            System.out.println();
        }

        private static @Nullable WrkRow wrkPeer(List<WrkRow> rows, WrkRow row, Mode mode) {
            return rows.stream()
                    .filter(other ->
                            other.result().connections() == row.result().connections() && other.mode() == mode)
                    .findFirst()
                    .orElse(null);
        }

        /** Execution records in the service's database: those a row wrote, the difference. */
        private long records() throws IOException, InterruptedException {
            return Long.parseLong(
                    database.query("SELECT count(*) FROM executions").getFirst());
        }

        /** Many slow streamed executions at once, their records, and the service's memory meanwhile. */
        private void openStreams() throws Exception {
            List<String> slowTokens = tokens(options.slowTokens());
            String slowOutput = String.join("", slowTokens);
            String openPromptId = api.createPrompt("bench-open-streams-" + System.currentTimeMillis(), modelId);
            vacuum();
            long overflowsBefore = ProcessStats.listenOverflows();
            System.err.printf("%d streams open at once%n", options.openStreams());
            OpenStreams.Result result;
            long providerConnections;
            try (var fake = FakeProvider.openAi();
                    var target = new ServiceTarget(api, openPromptId, true, slowOutput)) {
                fake.setDefault(
                        Reply.stream(slowTokens.toArray(String[]::new)).tokenInterval(options.slowTokenInterval()));
                api.setBaseUrl(requireNonNull(modelId), fake.baseUrl());
                result = OpenStreams.measure(
                        target,
                        options.openStreams(),
                        options.servicePid(),
                        options.openRamp(),
                        options.openRamp().plusSeconds(10));
                providerConnections = fake.connectionCount();
            }
            List<String> records = database.query("""
                    SELECT status, coalesce(error_code, '-'), count(*), count(*) FILTER (WHERE output = '%s'),
                           coalesce(max(latency_ms), 0), coalesce(max(time_to_first_token_ms), 0)
                    FROM executions WHERE prompt_id = '%s' GROUP BY 1, 2 ORDER BY 1, 2""".formatted(slowOutput, openPromptId));
            System.out.printf(
                    Locale.ROOT,
                    "%,d streamed executions started over %d s against the service, each streaming %d tokens %d ms"
                            + " apart:%n%n",
                    result.streams(),
                    options.openRamp().toSeconds(),
                    options.slowTokens(),
                    options.slowTokenInterval().toMillis());
            System.out.println(
                    "| Service | Live heap | Heap committed | Resident memory | Platform threads | Open files |");
            System.out.println("|---|---|---|---|---|---|");
            printSnapshot("idle, before", result.idle());
            printSnapshot(
                    "%,d open, %,d of them streaming".formatted(result.openAtSnapshot(), result.streamingAtSnapshot()),
                    result.open());
            printSnapshot("after they ended", result.afterwards());
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "Every stream had its first token after: %s; completed with the right output: %,d; failed: %,d;"
                            + " live heap per open execution: %.1f KiB; connections dropped for a full listen queue:"
                            + " %d (driver-side count %d); connections to the fake provider: %,d%n",
                    result.allStreamingAfter() == null
                            ? "never"
                            : "%.1f s".formatted(result.allStreamingAfter().toMillis() / 1000.0),
                    result.completed(),
                    result.failures(),
                    result.heapPerStreamKiB(),
                    result.listenOverflows(),
                    ProcessStats.listenOverflows() - overflowsBefore,
                    providerConnections);
            if (result.firstFailure() != null) {
                System.out.println("First failure: " + result.firstFailure());
            }
            System.out.printf(
                    "Open files limit (soft): the service %s, the driver and its fake provider %s%n",
                    openFilesLimit(options.servicePid()), openFilesLimit(driverPid));
            System.out.println("Their records (status | error code | count | with the right output | max latency ms"
                    + " | max time to first token ms): " + String.join("; ", records));
        }

        private void printLoad(List<Row> rows, Pace pace) {
            System.out.printf(
                    "Closed loop, %d tokens per answer (fake provider: first token after %d ms, %s); each path warmed"
                            + " up for %s at the highest concurrency, then per row %s of warm-up and %s measured:%n%n",
                    pace.tokens(),
                    pace.firstTokenAfter().toMillis(),
                    pace.tokensPerSecond() > 0 ? "%.0f tokens/s".formatted(pace.tokensPerSecond()) : "the rest at once",
                    seconds(options.initialWarmup()),
                    seconds(options.warmup()),
                    seconds(options.window()));
            System.out.println("| Path | Clients | Executions/s | First token p50 / p90 / p99 | Total p50 / p90 / p99 "
                    + "| Added p50 (first token / total) | Added p99 (first token / total) | Failures |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (Row row : rows) {
                ClosedLoop.Result result = row.result();
                Row direct = peer(rows, row, row.mode().direct());
                boolean plain = row.mode().plain;
                boolean added = direct != null && row.mode() != row.mode().direct();
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %,.0f | %s | %s | %s | %s | %d |%n",
                        row.mode().label,
                        result.concurrency(),
                        result.executionsPerSecond(),
                        plain ? "" : percentiles(result.firstToken()),
                        percentiles(result.total()),
                        added ? addedMillis(row, direct, 50) : "",
                        added ? addedMillis(row, direct, 99) : "",
                        result.failures());
            }
            System.out.println();
            System.out.println("| Path | Clients | CPU per execution: driver and fake / service / Portkey / PostgreSQL"
                    + " / Redis | Execution records written per execution "
                    + "| Database connections per execution, mean wait, mean hold "
                    + "| Provider connections opened per execution | Service resident memory | Service live heap "
                    + "(committed) | Other processes |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (Row row : rows) {
                ClosedLoop.Result result = row.result();
                long executions = Math.max(1, result.executions());
                OpenStreams.Snapshot service = row.service();
                boolean throughService = row.mode().throughService();
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %d µs / %d µs / %d µs / %d µs / %d µs | %.2f | %s | %.3f | %s | %s | %.0f%% of a"
                                + " core |%n",
                        row.mode().label,
                        result.concurrency(),
                        result.driverCpuNanos() / 1000 / executions,
                        result.sidecarCpuNanos().orElse(0) / 1000 / executions,
                        row.portkeyCpuNanos() / 1000 / executions,
                        row.postgresCpuNanos() / 1000 / executions,
                        row.redisCpuNanos() / 1000 / executions,
                        // Both counts include the row's warm-up.
                        (double) row.recordsWritten() / Math.max(1, row.providerRequests()),
                        throughService
                                ? "%.1f, %.0f µs, %.0f µs"
                                        .formatted(
                                                row.poolAcquires() / row.providerRequests(),
                                                row.poolAcquireMicros(),
                                                row.poolUsageMicros())
                                : "",
                        (double) row.providerConnections() / Math.max(1, row.providerRequests()),
                        service == null ? "" : "%.0f MiB".formatted(service.residentKiB() / 1024.0),
                        service == null
                                ? ""
                                : "%.0f MiB (%.0f MiB)"
                                        .formatted(service.liveHeapKiB() / 1024.0, service.committedHeapKiB() / 1024.0),
                        100 * row.disturbance());
                if (result.firstFailure() != null) {
                    System.err.println("First failure of " + result.mode() + ": " + result.firstFailure());
                }
            }
            System.out.println();
            printRatios(rows);
        }

        /**
         * Each path against direct and against Portkey at the same concurrency, as ratios: executions/s (higher is
         * better) and latency (lower is better). Portkey holds back the first chunk of every stream by design, so
         * the first token is worth reading against direct as well as against Portkey.
         */
        private static void printRatios(List<Row> rows) {
            boolean portkey = rows.stream().anyMatch(row -> row.mode().throughPortkey());
            System.out.println(
                    "| Path | Clients | Against direct: executions/s, first token p50 / p99, total p50 / p99 "
                            + (portkey
                                    ? "| Against Portkey: executions/s, first token p50 / p99, total p50 / p99 |"
                                    : "|"));
            System.out.println(portkey ? "|---|---|---|---|" : "|---|---|---|");
            for (Row row : rows) {
                if (row.mode() == row.mode().direct()) {
                    continue;
                }
                Row direct = peer(rows, row, row.mode().direct());
                Row peer = portkey && !row.mode().throughPortkey()
                        ? peer(rows, row, row.mode().portkey())
                        : null;
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %s |%s%n",
                        row.mode().label,
                        row.result().concurrency(),
                        direct == null ? "" : ratios(row, direct),
                        portkey ? " %s |".formatted(peer == null ? "" : ratios(row, peer)) : "");
            }
            System.out.println();
        }

        private static String ratios(Row row, Row other) {
            ClosedLoop.Result result = row.result();
            ClosedLoop.Result base = other.result();
            String firstToken = row.mode().plain
                    ? "-"
                    : ratio(result.firstToken(), base.firstToken(), 50) + " / "
                            + ratio(result.firstToken(), base.firstToken(), 99);
            return String.format(
                    Locale.ROOT,
                    "×%.2f, %s, %s / %s",
                    result.executionsPerSecond() / Math.max(1e-9, base.executionsPerSecond()),
                    firstToken,
                    ratio(result.total(), base.total(), 50),
                    ratio(result.total(), base.total(), 99));
        }

        private static String ratio(Histogram micros, Histogram baseMicros, double percentile) {
            return String.format(
                    Locale.ROOT,
                    "×%.2f",
                    (double) micros.getValueAtPercentile(percentile)
                            / Math.max(1, baseMicros.getValueAtPercentile(percentile)));
        }

        /**
         * The row of {@code mode} at the same concurrency; for a plain mode whose plain yardstick was not measured,
         * the streamed one (the comparison the driver made before the fake provider answered plain requests).
         */
        private static @Nullable Row peer(List<Row> rows, Row row, Mode mode) {
            Row same = peer(rows, row.result().concurrency(), mode);
            return same != null || !mode.plain || mode == Mode.PLAIN
                    ? same
                    : peer(rows, row, mode == Mode.DIRECT_PLAIN ? Mode.DIRECT : Mode.PORTKEY);
        }

        private static @Nullable Row peer(List<Row> rows, int concurrency, Mode mode) {
            return rows.stream()
                    .filter(other -> other.result().concurrency() == concurrency && other.mode() == mode)
                    .findFirst()
                    .orElse(null);
        }

        /** Plain: its total against the direct total. Streamed: first token against first token, total against total. */
        private static String addedMillis(Row row, Row direct, double percentile) {
            String total = added(row.result().total(), direct.result().total(), percentile);
            return row.mode().plain
                    ? total
                    : added(row.result().firstToken(), direct.result().firstToken(), percentile) + " / " + total;
        }
    }

    /**
     * CPU time of this database's PostgreSQL backends, of Redis and of Portkey's gateway (when it runs), sampled at
     * both ends of a window.
     */
    private static final class InfrastructureCpu {
        private final long[] postgres = new long[2];
        private final long[] redis = new long[2];
        private final long[] portkey = new long[2];
        private final @Nullable Thread sampler;

        InfrastructureCpu(String database, long portkeyPid, Duration warmup, Duration window) {
            long from = System.nanoTime() + warmup.toNanos();
            long until = from + window.toNanos();
            sampler = window.isZero()
                    ? null
                    : Thread.ofPlatform().name("infrastructure-cpu-sampler").start(() -> {
                        for (int end = 0; end < 2; end++) {
                            try {
                                TimeUnit.NANOSECONDS.sleep((end == 0 ? from : until) - System.nanoTime());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            postgres[end] = cpuNanos(command -> command.startsWith("postgres: ")
                                    // A backend's title: "postgres: 15/main: user database 127.0.0.1(port) idle".
                                    && command.contains(" " + database + " "));
                            redis[end] = cpuNanos(command -> command.startsWith("redis-server"));
                            portkey[end] = portkeyPid == 0 ? 0 : ProcessStats.cpuNanos(portkeyPid);
                        }
                    });
        }

        void join() throws InterruptedException {
            if (sampler != null) {
                sampler.join();
            }
        }

        long postgresNanos() {
            return postgres[1] - postgres[0];
        }

        long redisNanos() {
            return redis[1] - redis[0];
        }

        long portkeyNanos() {
            return portkey[1] - portkey[0];
        }

        private static long cpuNanos(Predicate<String> commandLine) {
            long nanos = 0;
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    String command;
                    try {
                        command = new String(Files.readAllBytes(process.resolve("cmdline")), UTF_8).replace('\0', ' ');
                    } catch (IOException gone) {
                        continue;
                    }
                    if (commandLine.test(command)) {
                        try {
                            nanos += ProcessStats.cpuNanos(
                                    Long.parseLong(process.getFileName().toString()));
                        } catch (IllegalStateException gone) {
                            // ended between the listing and the read
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot list /proc", e);
            }
            return nanos;
        }
    }

    /**
     * How the fake provider answers: its time to first token, its rate after it (0: the rest at once), and its tokens.
     */
    private record Pace(Duration firstTokenAfter, double tokensPerSecond, int tokens) {}

    private static <T> T requireNonNull(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("not set up");
        }
        return value;
    }

    private static List<String> tokens(int count) {
        return IntStream.range(0, count).mapToObj(i -> "word" + i + " ").toList();
    }

    private static void printSnapshot(String when, OpenStreams.Snapshot snapshot) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f MiB | %.0f MiB | %.0f MiB | %d | %,d |%n",
                when,
                snapshot.liveHeapKiB() / 1024.0,
                snapshot.committedHeapKiB() / 1024.0,
                snapshot.residentKiB() / 1024.0,
                snapshot.platformThreads(),
                snapshot.openFiles());
    }

    /** The soft limit of a process's open files, from /proc/pid/limits. */
    private static String openFilesLimit(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")).stream()
                    .filter(line -> line.startsWith("Max open files"))
                    .map(line ->
                            line.substring("Max open files".length()).strip().split("\\s+")[0])
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            // "0.52 0.58 0.59 1/467 12345": the 1, 5 and 15 minute averages first
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ", 4);
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String millis(Histogram micros, double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", micros.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String percentiles(Histogram micros) {
        return String.format(
                Locale.ROOT,
                "%.2f / %.2f / %.2f ms",
                micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(90) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0);
    }

    private static String added(Histogram micros, Histogram directMicros, double percentile) {
        long added = micros.getValueAtPercentile(percentile) - directMicros.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%+.2f ms", added / 1000.0);
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
