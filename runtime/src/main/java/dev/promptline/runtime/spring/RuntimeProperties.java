package dev.promptline.runtime.spring;

import dev.promptline.runtime.RuntimeSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code promptline.runtime.*} properties the in-process runtime reads. An unset or empty one keeps the runtime's
 * own default ({@link RuntimeSettings#DEFAULTS}), the same default the sidecar has.
 */
record RuntimeProperties(
        @Nullable List<String> allowedHosts,
        @Nullable Duration connectTimeout,
        @Nullable Integer maxAttempts,
        @Nullable Duration retryInitialBackoff,
        @Nullable Duration retryMaxBackoff) {
    static final String PREFIX = "promptline.runtime";

    RuntimeSettings toSettings() {
        var defaults = RuntimeSettings.DEFAULTS;
        return new RuntimeSettings(
                allowedHosts == null
                        ? defaults.allowedHosts()
                        : allowedHosts.stream()
                                .map(String::strip)
                                .filter(host -> !host.isEmpty())
                                .toList(),
                Objects.requireNonNullElse(connectTimeout, defaults.connectTimeout()),
                Objects.requireNonNullElse(maxAttempts, defaults.maxAttempts()),
                Objects.requireNonNullElse(retryInitialBackoff, defaults.initialBackoff()),
                Objects.requireNonNullElse(retryMaxBackoff, defaults.maxBackoff()));
    }
}
