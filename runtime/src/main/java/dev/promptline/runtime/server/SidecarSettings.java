package dev.promptline.runtime.server;

import static java.util.Objects.requireNonNull;

import dev.promptline.runtime.RuntimeSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the sidecar reads from its environment: its own port and shutdown grace, and the provider settings it shares
 * with the in-process mode.
 *
 * @param port TCP port of the gRPC server ({@code RUNTIME_PORT}); 0 picks a free one
 * @param shutdownGrace how long running executions may go on after SIGTERM ({@code RUNTIME_SHUTDOWN_GRACE})
 * @param runtime how the runtime calls providers
 */
record SidecarSettings(int port, Duration shutdownGrace, RuntimeSettings runtime) {
    static final int DEFAULT_PORT = 9090;
    static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    // The forms the api's configuration accepts, so one value works in both places.

    SidecarSettings {
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        requireNonNull(runtime, "runtime is null");
    }

    /** Reads the environment; a bad value is an IllegalArgumentException whose message names the variable. */
    static SidecarSettings fromEnvironment(Map<String, String> environment) {
        return new SidecarSettings(
                port(environment.get("RUNTIME_PORT")),
                grace(environment.get("RUNTIME_SHUTDOWN_GRACE")),
                RuntimeSettings.fromEnvironment(environment));
    }

    private static int port(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the variable's name.
        }
        throw new IllegalArgumentException("RUNTIME_PORT must be a port number from 0 to 65535: " + value);
    }

    private static Duration grace(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SHUTDOWN_GRACE;
        }
        try {
            Duration grace = RuntimeSettings.parseDuration(value.strip());
            if (!grace.isNegative()) {
                return grace;
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // Reported below, with the variable's name.
        }
        throw new IllegalArgumentException(
                "RUNTIME_SHUTDOWN_GRACE must be a duration such as 30s, 500ms or 2m: " + value);
    }
}
