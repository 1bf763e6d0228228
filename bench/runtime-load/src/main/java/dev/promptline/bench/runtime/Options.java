package dev.promptline.bench.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The driver's arguments, {@code --name=value} each.
 *
 * @param sidecarPort where the sidecar listens on 127.0.0.1
 * @param sidecarPid the sidecar's process, for its CPU time, memory and jcmd
 * @param concurrency concurrent streams of each closed-loop run
 * @param modes the paths measured at each concurrency
 * @param initialWarmup unrecorded time of each path at the highest concurrency, before any row
 * @param warmup unrecorded time before each row's window
 * @param window recorded time of each run
 * @param tokens tokens of each fast answer
 * @param openStreams streams held open at once in the sidecar; 0 to skip
 * @param slowTokens tokens of each answer while streams are held open
 * @param slowTokenInterval time between those tokens
 * @param pacedConcurrency concurrent streams of each paced run, where the fake provider answers as a real one would;
 *     empty to skip
 * @param pacedFirstToken the paced provider's time to the first token
 * @param pacedTokenInterval the paced provider's time between tokens
 * @param attempts how often a row is run while other processes disturb it (the least disturbed run is kept); 1 runs
 *     each row once, for A/B runs that alternate builds and must each take the same time
 */
record Options(
        int sidecarPort,
        long sidecarPid,
        List<Integer> concurrency,
        List<Mode> modes,
        Duration initialWarmup,
        Duration warmup,
        Duration window,
        int tokens,
        int openStreams,
        int slowTokens,
        Duration slowTokenInterval,
        List<Integer> pacedConcurrency,
        Duration pacedFirstToken,
        Duration pacedTokenInterval,
        int attempts) {

    private static final Set<String> NAMES = Set.of(
            "sidecar-port",
            "sidecar-pid",
            "concurrency",
            "modes",
            "initial-warmup",
            "warmup",
            "duration",
            "tokens",
            "open-streams",
            "slow-tokens",
            "slow-token-interval",
            "paced-concurrency",
            "paced-first-token",
            "paced-token-interval",
            "attempts");

    enum Mode {
        DIRECT("direct to the fake provider"),
        SIDECAR("through the sidecar (gRPC on loopback)"),
        IN_PROCESS("through the in-process runtime");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    static Options parse(String... args) {
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
        if (!values.containsKey("sidecar-port") || !values.containsKey("sidecar-pid")) {
            throw new IllegalArgumentException("--sidecar-port and --sidecar-pid are required");
        }
        return new Options(
                Integer.parseInt(values.get("sidecar-port")),
                Long.parseLong(values.get("sidecar-pid")),
                list(values.getOrDefault("concurrency", "1,16,256")).stream()
                        .map(Integer::parseInt)
                        .toList(),
                list(values.getOrDefault("modes", "direct,sidecar,in-process")).stream()
                        .map(mode -> Mode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')))
                        .toList(),
                duration(values.getOrDefault("initial-warmup", "60s")),
                duration(values.getOrDefault("warmup", "15s")),
                duration(values.getOrDefault("duration", "20s")),
                Integer.parseInt(values.getOrDefault("tokens", "20")),
                Integer.parseInt(values.getOrDefault("open-streams", "1000")),
                Integer.parseInt(values.getOrDefault("slow-tokens", "150")),
                duration(values.getOrDefault("slow-token-interval", "200ms")),
                list(values.getOrDefault("paced-concurrency", "16,256")).stream()
                        .map(Integer::parseInt)
                        .toList(),
                duration(values.getOrDefault("paced-first-token", "300ms")),
                duration(values.getOrDefault("paced-token-interval", "20ms")),
                Integer.parseInt(values.getOrDefault("attempts", "3")));
    }

    /** Comma-separated; an empty value is an empty list. */
    private static List<String> list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    /** {@code 500ms} or {@code 20s}. */
    static Duration duration(String value) {
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        throw new IllegalArgumentException("Not a duration such as 500ms or 20s: " + value);
    }
}
