package dev.promptline.api.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptline.api.platform.redis.RedisProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>A busy subject's tokens are taken from Redis in leases: one script call takes up to {@code maxLease} tokens for
 * this replica, and the subject's next requests here are charged to that lease in memory, with no round trip (which
 * was half the CPU of a cached read). A lease's size doubles while the subject uses all of it, and falls back to what
 * it used when it does not; what a lease still holds after {@link #LEASE_LIFETIME} is given back to the bucket with the
 * next call. So a subject never gets more than its bucket; it may be refused early, by at most {@code maxLease} tokens
 * per other replica that holds a lease for it. With {@code maxLease} 1 every request is one script call, as a limit
 * that must be exact across replicas (sign-in attempts) needs.
 */
public final class RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    /** How long a lease's tokens may be spent; what is left after that goes back to the bucket. */
    static final Duration LEASE_LIFETIME = Duration.ofSeconds(1);

    /** Gives back what a replica's old lease had left, then takes up to {@code want} whole tokens. */
    private static final RedisScript<List> LEASE = RedisScript.of("""
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local want = tonumber(ARGV[3])
            local given_back = tonumber(ARGV[4])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(bucket[1]) or capacity
            local at = tonumber(bucket[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms + given_back)
            local granted = math.min(want, math.floor(tokens))
            tokens = tokens - granted
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
            return {granted, tostring(tokens)}
            """, List.class);

    private final @Nullable StringRedisTemplate redis;
    private final String keyPrefix;
    private final int capacity;
    private final double tokensPerMillisecond;
    private final int maxLease;
    private final Cache<String, Lease> leases = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(1))
            .maximumSize(100_000)
            .build();
    private final Counter failures;
    private final Counter calls;

    /**
     * @param name what is limited, in the Redis keys ({@code <prefix><name>:<subject>}) and the failure counter's tag
     * @param burst the bucket's size: what a subject may take at once after being idle
     * @param perMinute the sustained rate the bucket refills at
     * @param maxLease the most tokens one call to Redis may take for this replica (see the class)
     */
    public RateLimiter(
            @Nullable StringRedisTemplate redis,
            RedisProperties redisProperties,
            String name,
            int burst,
            int perMinute,
            int maxLease,
            MeterRegistry meters) {
        this.redis = redis;
        this.keyPrefix = redisProperties.keyPrefix() + name + ":";
        this.capacity = burst;
        this.tokensPerMillisecond = perMinute / 60_000.0;
        this.maxLease = Math.max(1, maxLease);
        this.failures = Counter.builder("promptline.ratelimit.failures")
                .description("Rate-limit checks that could not reach Redis (requests let through)")
                .tag("limit", name)
                .register(meters);
        this.calls = Counter.builder("promptline.ratelimit.calls")
                .description("Calls to Redis that took tokens for a lease")
                .tag("limit", name)
                .register(meters);
        if (redis == null) {
            log.info("No REDIS_URL: {} is not limited", name);
        }
    }

    /** The lease for a limit of this burst: a tenth of the bucket, at most 1,000 tokens. */
    public static int leaseFor(int burst) {
        return Math.clamp(burst / 10, 1, 1_000);
    }

    /** The decision for one request by this subject, or empty when there is nothing to decide with. */
    public Optional<Decision> take(String subject) {
        if (redis == null) {
            return Optional.empty();
        }
        Lease lease = leases.get(subject, _ -> new Lease());
        lease.lock.lock();
        try {
            long now = System.nanoTime();
            if (lease.tokens < 1 || now - lease.takenAt > LEASE_LIFETIME.toNanos()) {
                if (!renew(subject, lease, now)) {
                    return Optional.empty();
                }
                if (lease.tokens < 1) {
                    return Optional.of(new Decision(false, capacity, lease.bucket, tokensPerMillisecond));
                }
            }
            lease.tokens--;
            lease.used++;
            return Optional.of(new Decision(true, capacity, lease.bucket + lease.tokens, tokensPerMillisecond));
        } finally {
            lease.lock.unlock();
        }
    }

    /** Gives back what the lease has left and takes a new one; false when Redis could not be asked. */
    private boolean renew(String subject, Lease lease, long now) {
        int want = lease.used >= lease.size ? Math.clamp(lease.size * 2L, 1, maxLease) : Math.max(1, lease.used);
        int givenBack = lease.tokens;
        lease.tokens = 0; // given back, or lost with a failed call: never spent twice
        try {
            calls.increment();
            List<?> result = redis.execute(
                    LEASE,
                    List.of(keyPrefix + subject),
                    String.valueOf(capacity),
                    String.valueOf(tokensPerMillisecond),
                    String.valueOf(want),
                    String.valueOf(givenBack));
            lease.tokens = ((Number) result.get(0)).intValue();
            lease.bucket = Double.parseDouble(String.valueOf(result.get(1)));
            lease.size = want;
            lease.used = 0;
            lease.takenAt = now;
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            log.debug("Rate limit not checked, Redis unavailable: {}", e.toString());
            return false;
        }
    }

    /** This replica's tokens for one subject: taken from the bucket, not spent yet. Guarded by its lock. */
    private static final class Lease {
        final ReentrantLock lock = new ReentrantLock();
        int tokens;
        int size;
        int used;
        long takenAt;
        /** What the bucket held after the lease was taken: what the headers report, with the lease's own tokens. */
        double bucket;
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
