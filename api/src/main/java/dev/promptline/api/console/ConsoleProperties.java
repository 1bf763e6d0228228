package dev.promptline.api.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param idleTimeout a console session ends after this long without a request
 * @param maxAge a console session ends this long after sign-in, however busy
 * @param signInAttemptsPerMinute sign-in attempts a client address may make per minute (and at once)
 */
@ConfigurationProperties("promptline.console")
public record ConsoleProperties(
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("12h") Duration maxAge,
        @DefaultValue("10") int signInAttemptsPerMinute) {
    public ConsoleProperties {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("CONSOLE_SESSION_IDLE_TIMEOUT must be positive: " + idleTimeout);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("CONSOLE_SESSION_MAX_AGE must be positive: " + maxAge);
        }
        if (signInAttemptsPerMinute < 1) {
            throw new IllegalArgumentException(
                    "CONSOLE_SIGN_IN_ATTEMPTS_PER_MINUTE must be at least 1: " + signInAttemptsPerMinute);
        }
    }
}
