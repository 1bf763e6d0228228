package dev.promptline.api.platform.security;

import dev.promptline.api.platform.redis.RedisProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A token bucket per subject (an API key, or a client address signing in to the console), kept in Redis and updated
 * by one Lua script, so replicas share the budget and two concurrent requests can never both take the last token.
 * The script reads Redis's own clock: replicas' clocks may disagree. Without Redis nothing is limited; a Redis error
 * lets the request through (fail open) and is counted, because a cache outage must not become an API outage.
 */
public final class RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(bucket[1]) or capacity
            local at = tonumber(bucket[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
            local allowed = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
            return {allowed, tostring(tokens)}
            """, List.class);

    private final @Nullable StringRedisTemplate redis;
    private final String keyPrefix;
    private final int capacity;
    private final double tokensPerMillisecond;
    private final Counter failures;

    /**
     * @param name what is limited, in the Redis keys ({@code <prefix><name>:<subject>}) and the failure counter's tag
     * @param burst the bucket's size: what a subject may take at once after being idle
     * @param perMinute the sustained rate the bucket refills at
     */
    public RateLimiter(
            @Nullable StringRedisTemplate redis,
            RedisProperties redisProperties,
            String name,
            int burst,
            int perMinute,
            MeterRegistry meters) {
        this.redis = redis;
        this.keyPrefix = redisProperties.keyPrefix() + name + ":";
        this.capacity = burst;
        this.tokensPerMillisecond = perMinute / 60_000.0;
        this.failures = Counter.builder("promptline.ratelimit.failures")
                .description("Rate-limit checks that could not reach Redis (requests let through)")
                .tag("limit", name)
                .register(meters);
        if (redis == null) {
            log.info("No REDIS_URL: {} is not limited", name);
        }
    }

    /** The decision for one request by this subject, or empty when there is nothing to decide with. */
    public Optional<Decision> take(String subject) {
        if (redis == null) {
            return Optional.empty();
        }
        try {
            List<?> result = redis.execute(
                    TAKE, List.of(keyPrefix + subject), String.valueOf(capacity), String.valueOf(tokensPerMillisecond));
            boolean allowed = ((Number) result.get(0)).longValue() == 1;
            double remaining = Double.parseDouble(String.valueOf(result.get(1)));
            return Optional.of(new Decision(allowed, capacity, remaining, tokensPerMillisecond));
        } catch (RuntimeException e) {
            failures.increment();
            log.debug("Rate limit not checked, Redis unavailable: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Whether the request may go ahead, and what the RateLimit headers say. */
    public record Decision(boolean allowed, int limit, double tokens, double tokensPerMillisecond) {
        public long remaining() {
            return (long) Math.floor(tokens);
        }

        /** Seconds until the bucket is full again. */
        public long resetSeconds() {
            return (long) Math.ceil((limit - tokens) / tokensPerMillisecond / 1000.0);
        }

        /** Seconds until one more request is allowed. */
        public long retryAfterSeconds() {
            return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerMillisecond / 1000.0));
        }
    }
}
