package dev.promptline.api.console;

import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.security.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Sign-in attempts per client address, right or wrong. API keys are too long to guess, so this is not what keeps
 * them safe; it keeps one client from making the service hash and look up keys as fast as it can send forms, and
 * it keeps a leaked list of candidate keys from being tried at speed.
 */
@Component
class SignInAttempts {
    private final RateLimiter limiter;

    SignInAttempts(
            ObjectProvider<StringRedisTemplate> redis,
            RedisProperties redisProperties,
            ConsoleProperties properties,
            MeterRegistry meters) {
        this.limiter = new RateLimiter(
                redis.getIfAvailable(),
                redisProperties,
                "console-sign-in",
                properties.signInAttemptsPerMinute(),
                properties.signInAttemptsPerMinute(),
                1, // exact across replicas: no leases
                meters);
    }

    /** Takes one attempt for this address: empty when it may go ahead, else the seconds until it may. */
    OptionalLong take(String clientAddress) {
        return limiter.take(clientAddress)
                .filter(decision -> !decision.allowed())
                .map(decision -> OptionalLong.of(decision.retryAfterSeconds()))
                .orElse(OptionalLong.empty());
    }
}
