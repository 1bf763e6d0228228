package dev.promptline.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How the runtime calls providers, the same whether it runs as its own process (read from the environment) or inside
 * the api (bound from the api's properties, which map the same environment variables).
 *
 * @param allowedHosts hosts and CIDR ranges that may be called although they are loopback, private or link-local
 *     ({@code MODEL_ALLOWED_HOSTS}, shared with the api's registry check)
 * @param connectTimeout longest wait for a provider's TCP and TLS handshake ({@code PROVIDER_CONNECT_TIMEOUT})
 * @param maxAttempts attempts per execution when the request does not say ({@code PROVIDER_MAX_ATTEMPTS})
 * @param initialBackoff wait before the first retry; doubled on each retry, with full jitter
 *     ({@code PROVIDER_RETRY_INITIAL_BACKOFF})
 * @param maxBackoff longest wait between attempts, also the cap on a provider's Retry-After
 *     ({@code PROVIDER_RETRY_MAX_BACKOFF})
 */
public record RuntimeSettings(
        List<String> allowedHosts,
        Duration connectTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public static final RuntimeSettings DEFAULTS =
            new RuntimeSettings(List.of(), Duration.ofSeconds(10), 3, Duration.ofMillis(250), Duration.ofSeconds(10));

    public RuntimeSettings {
        allowedHosts = List.copyOf(requireNonNull(allowedHosts, "allowedHosts is null"));
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must satisfy 0 <= initial <= max: %s, %s".formatted(initialBackoff, maxBackoff));
        }
    }

    /** Reads the settings from environment variables; an unset or blank variable keeps its default. */
    public static RuntimeSettings fromEnvironment(Map<String, String> environment) {
        return new RuntimeSettings(
                list(environment.get("MODEL_ALLOWED_HOSTS")),
                duration(environment, "PROVIDER_CONNECT_TIMEOUT", DEFAULTS.connectTimeout),
                integer(environment, "PROVIDER_MAX_ATTEMPTS", DEFAULTS.maxAttempts),
                duration(environment, "PROVIDER_RETRY_INITIAL_BACKOFF", DEFAULTS.initialBackoff),
                duration(environment, "PROVIDER_RETRY_MAX_BACKOFF", DEFAULTS.maxBackoff));
    }

    private static List<String> list(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }

    private static Duration duration(Map<String, String> environment, String name, Duration fallback) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parseDuration(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "%s is not a duration such as 250ms, 10s or 2m: %s".formatted(name, value), e);
        }
    }

    /** Accepts the forms the api's configuration accepts: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601. */
    public static Duration parseDuration(String value) {
        var simple = SIMPLE_DURATION.matcher(value);
        if (!simple.matches()) {
            return Duration.parse(value);
        }
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static int integer(Map<String, String> environment, String name, int fallback) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("%s is not a whole number: %s".formatted(name, value), e);
        }
    }
}
