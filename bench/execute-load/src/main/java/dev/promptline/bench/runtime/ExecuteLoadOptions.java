package dev.promptline.bench.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The execute-load driver's arguments, {@code --name=value} each.
 *
 * @param service the service's API, {@code http://127.0.0.1:port}
 * @param management the service's management port (Prometheus metrics)
 * @param servicePid the service's process, for its CPU time, memory and jcmd
 * @param apiKey an API key of the service's organization
 * @param database the service's database, read with psql to check the records
 * @param portkey Portkey's open-source gateway ({@code http://127.0.0.1:port}), the peer; null when not running
 * @param portkeyPid the gateway's node process, for its CPU time; 0 when not running
 * @param concurrency concurrent clients of each closed-loop run; empty for none (nor their warm-up)
 * @param modes the paths measured at each concurrency
 * @param initialWarmup unrecorded time of each path at the highest concurrency, before any row
 * @param warmup unrecorded time before each row's window
 * @param window recorded time of each row
 * @param attempts runs of a row at most, while other processes disturb it
 * @param maxDisturbance share of a core other processes may use during a row before it is run again
 * @param tokens tokens of each fast answer
 * @param firstTokenAfter the fake provider's time to first token in the closed loops
 * @param tokensPerSecond the fake provider's rate after the first token in the closed loops; 0 sends them at once
 * @param pacedConcurrency concurrent clients of each paced run (after the closed loops); empty for none
 * @param pacedFirstTokenAfter the fake provider's time to first token in the paced runs
 * @param pacedTokensPerSecond the fake provider's rate after the first token in the paced runs
 * @param pacedTokens tokens of each paced answer
 * @param openStreams streamed executions held open at once by the service; 0 to skip
 * @param slowTokens tokens of each answer while streams are held open
 * @param slowTokenInterval time between those tokens
 * @param openRamp the open streams start spread over this time
 * @param wrk wrk and its script, for the wrk phase (the plain modes under wrk at {@code wrkConnections}); null to skip
 * @param wrkConnections wrk's connections of each row of the wrk phase
 */
record ExecuteLoadOptions(
        URI service,
        URI management,
        long servicePid,
        String apiKey,
        String database,
        @Nullable URI portkey,
        long portkeyPid,
        List<Integer> concurrency,
        List<Mode> modes,
        Duration initialWarmup,
        Duration warmup,
        Duration window,
        int attempts,
        double maxDisturbance,
        int tokens,
        Duration firstTokenAfter,
        double tokensPerSecond,
        List<Integer> pacedConcurrency,
        Duration pacedFirstTokenAfter,
        double pacedTokensPerSecond,
        int pacedTokens,
        int openStreams,
        int slowTokens,
        Duration slowTokenInterval,
        Duration openRamp,
        WrkRun.@Nullable Setup wrk,
        List<Integer> wrkConnections) {

    private static final Set<String> REQUIRED = Set.of("service", "management", "service-pid", "api-key", "database");
    private static final Set<String> NAMES = Set.of(
            "service",
            "management",
            "service-pid",
            "api-key",
            "database",
            "portkey",
            "portkey-pid",
            "concurrency",
            "modes",
            "initial-warmup",
            "warmup",
            "duration",
            "attempts",
            "max-disturbance",
            "tokens",
            "first-token-after",
            "tokens-per-second",
            "paced-concurrency",
            "paced-first-token-after",
            "paced-tokens-per-second",
            "paced-tokens",
            "open-streams",
            "slow-tokens",
            "slow-token-interval",
            "open-ramp",
            "wrk",
            "wrk-script",
            "wrk-threads",
            "wrk-connections");

    /** A path measured; the plain ones are compared with plain, the streamed ones with streamed. */
    enum Mode {
        /** The runtime's request with {@code "stream": false}, answered by one {@code chat.completion} body. */
        DIRECT_PLAIN("direct, plain", true),
        /** The same plain request through Portkey's gateway, the peer. */
        PORTKEY_PLAIN("through Portkey, plain", true),
        PLAIN("execute, plain JSON", true),
        /**
         * The plain execute asking for the response cache ({@code cacheTtl}), under wrk only: wrk sends one body, so
         * every request after the first is served the kept answer, and the provider is called once.
         */
        CACHED_PLAIN("execute, plain JSON, cache hit", true),
        /** The same prompt through the OpenAI-compatible route: {@code model: "prompt:<name>"}. */
        COMPATIBLE_PLAIN("/v1/chat/completions, plain", true),
        DIRECT("direct, streamed", false),
        /** The streamed direct request through Portkey's gateway. */
        PORTKEY("through Portkey, streamed", false),
        STREAMED("execute, streamed (SSE)", false);

        final String label;
        /** The client waits for one answer rather than reading a stream. */
        final boolean plain;

        Mode(String label, boolean plain) {
            this.label = label;
            this.plain = plain;
        }

        /** Through the service rather than straight to the provider or through the gateway. */
        boolean throughService() {
            return this == PLAIN || this == CACHED_PLAIN || this == COMPATIBLE_PLAIN || this == STREAMED;
        }

        boolean throughPortkey() {
            return this == PORTKEY || this == PORTKEY_PLAIN;
        }

        /** The yardstick of this mode's kind: direct plain for plain modes, direct streamed for streamed ones. */
        Mode direct() {
            return plain ? DIRECT_PLAIN : DIRECT;
        }

        /** The peer of this mode's kind. */
        Mode portkey() {
            return plain ? PORTKEY_PLAIN : PORTKEY;
        }
    }

    static ExecuteLoadOptions parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : "";
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(
                        "Unknown argument %s; expected --name=value with a name of %s".formatted(arg, NAMES));
            }
            values.put(name, arg.substring(equals + 1));
        }
        if (!values.keySet().containsAll(REQUIRED)) {
            throw new IllegalArgumentException("Required: " + REQUIRED);
        }
        String portkey = values.getOrDefault("portkey", "");
        List<Mode> modes = list(values.getOrDefault(
                        "modes",
                        portkey.isEmpty()
                                ? "direct_plain,plain,direct,streamed"
                                : "direct_plain,portkey_plain,plain,direct,portkey,streamed"))
                .stream()
                .map(mode -> Mode.valueOf(mode.toUpperCase(Locale.ROOT)))
                .toList();
        if (modes.stream().anyMatch(Mode::throughPortkey) && portkey.isEmpty()) {
            throw new IllegalArgumentException("The portkey mode needs --portkey=http://127.0.0.1:port");
        }
        int tokens = Integer.parseInt(values.getOrDefault("tokens", "20"));
        return new ExecuteLoadOptions(
                URI.create(values.get("service")),
                URI.create(values.get("management")),
                Long.parseLong(values.get("service-pid")),
                values.get("api-key"),
                values.get("database"),
                portkey.isEmpty() ? null : URI.create(portkey),
                Long.parseLong(values.getOrDefault("portkey-pid", "0")),
                list(values.getOrDefault("concurrency", "1,16,128")).stream()
                        .filter(value -> !value.isEmpty())
                        .map(Integer::parseInt)
                        .toList(),
                modes,
                Options.duration(values.getOrDefault("initial-warmup", "30s")),
                Options.duration(values.getOrDefault("warmup", "10s")),
                Options.duration(values.getOrDefault("duration", "30s")),
                Integer.parseInt(values.getOrDefault("attempts", "3")),
                Double.parseDouble(values.getOrDefault("max-disturbance", "0.15")),
                tokens,
                Options.duration(values.getOrDefault("first-token-after", "0ms")),
                Double.parseDouble(values.getOrDefault("tokens-per-second", "0")),
                list(values.getOrDefault("paced-concurrency", "16,128")).stream()
                        .filter(value -> !value.isEmpty())
                        .map(Integer::parseInt)
                        .toList(),
                Options.duration(values.getOrDefault("paced-first-token-after", "300ms")),
                Double.parseDouble(values.getOrDefault("paced-tokens-per-second", "50")),
                Integer.parseInt(values.getOrDefault("paced-tokens", Integer.toString(tokens))),
                Integer.parseInt(values.getOrDefault("open-streams", "1000")),
                Integer.parseInt(values.getOrDefault("slow-tokens", "100")),
                Options.duration(values.getOrDefault("slow-token-interval", "200ms")),
                Options.duration(values.getOrDefault("open-ramp", "5s")),
                values.getOrDefault("wrk", "").isEmpty()
                        ? null
                        : new WrkRun.Setup(
                                Path.of(values.get("wrk")),
                                Path.of(values.getOrDefault("wrk-script", "bench/execute.lua")),
                                Integer.parseInt(values.getOrDefault("wrk-threads", "2"))),
                list(values.getOrDefault("wrk-connections", values.getOrDefault("concurrency", "1,16,128"))).stream()
                        .filter(value -> !value.isEmpty())
                        .map(Integer::parseInt)
                        .toList());
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).toList();
    }
}
