package dev.promptline.api.platform.security;

import dev.promptline.api.platform.redis.RedisProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A token bucket per API key, kept in Redis and updated by one Lua script, so replicas share the budget and two
 * concurrent requests can never both take the last token. The script reads Redis's own clock: replicas' clocks
 * may disagree. Without Redis nothing is limited; a Redis error lets the request through (fail open) and is
 * counted, because a cache outage must not become an API outage.
 *
 * <p>Concurrent requests of one key in this replica share a round trip: while one call for the key is in flight, the
 * requests that arrive queue up, and the next call takes a token for each of them at once, granted in arrival order
 * (the first {@code n} of them when only {@code n} are left). Each request gets the decision and the headers it would
 * have got had the calls been made one after the other. A key busy enough to queue is the case where the round trip
 * per request cost most (bench/http-probes.sh, docs/benchmarks.md 2026-12-07); a key with one request at a time makes
 * one call per request, as before.
 */
final class RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local wanted = tonumber(ARGV[3])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(bucket[1]) or capacity
            local at = tonumber(bucket[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
            local granted = math.max(0, math.min(wanted, math.floor(tokens)))
            tokens = tokens - granted
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
            return {granted, tostring(tokens)}
            """, List.class);

    private final @Nullable StringRedisTemplate redis;
    private final String keyPrefix;
    private final int capacity;
    private final double tokensPerMillisecond;
    private final Counter failures;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();

    RateLimiter(
            @Nullable StringRedisTemplate redis,
            RedisProperties redisProperties,
            RateLimitProperties limits,
            MeterRegistry meters) {
        this.redis = redis;
        this.keyPrefix = redisProperties.keyPrefix() + "ratelimit:";
        this.capacity = limits.burst();
        this.tokensPerMillisecond = limits.requestsPerMinute() / 60_000.0;
        this.failures = Counter.builder("promptline.ratelimit.failures")
                .description("Rate-limit checks that could not reach Redis (requests let through)")
                .register(meters);
        if (redis == null) {
            log.info("No REDIS_URL: API keys are not rate-limited");
        }
    }

    /** The decision for one request with this key, or empty when there is nothing to decide with. */
    Optional<Decision> take(UUID apiKeyId) {
        StringRedisTemplate redis = this.redis;
        if (redis == null) {
            return Optional.empty();
        }
        while (true) {
            Lane lane = lanes.computeIfAbsent(apiKeyId, id -> new Lane());
            var ticket = new Ticket();
            Boolean leads = lane.join(ticket);
            if (leads == null) {
                continue; // the lane was just retired; take the new one
            }
            if (leads || ticket.turn.join()) {
                decideQueued(redis, apiKeyId, lane);
            }
            return ticket.decision;
        }
    }

    /** Takes a token for every request queued on the lane in one call, then hands the lane to the next in line. */
    private void decideQueued(StringRedisTemplate redis, UUID apiKeyId, Lane lane) {
        List<Ticket> batch = lane.drain();
        try {
            decide(redis, apiKeyId, batch);
        } finally {
            for (Ticket ticket : batch) {
                ticket.turn.complete(false);
            }
            Ticket next = lane.handOver(() -> lanes.remove(apiKeyId, lane));
            if (next != null) {
                next.turn.complete(true);
            }
        }
    }

    private void decide(StringRedisTemplate redis, UUID apiKeyId, List<Ticket> batch) {
        try {
            List<?> result = redis.execute(
                    TAKE,
                    List.of(keyPrefix + apiKeyId),
                    String.valueOf(capacity),
                    String.valueOf(tokensPerMillisecond),
                    String.valueOf(batch.size()));
            int granted = ((Number) result.get(0)).intValue();
            double left = Double.parseDouble(String.valueOf(result.get(1)));
            for (int i = 0; i < batch.size(); i++) {
                // As if one after the other: the i-th granted request left the tokens the ones after it took.
                boolean allowed = i < granted;
                double tokens = allowed ? left + (granted - 1 - i) : left;
                batch.get(i).decision = Optional.of(new Decision(allowed, capacity, tokens, tokensPerMillisecond));
            }
        } catch (RuntimeException e) {
            failures.increment(batch.size());
            log.debug("Rate limit not checked, Redis unavailable: {}", e.toString());
        }
    }

    /** One request waiting for its decision; its turn completes with true when it is to make the next call. */
    private static final class Ticket {
        final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        volatile Optional<Decision> decision = Optional.empty();
    }

    /** The requests of one key waiting for a call, and whether a call is being made. */
    private static final class Lane {
        private List<Ticket> queued = new ArrayList<>();
        private boolean calling;
        private boolean retired;

        /** True if the caller is to make the call, false if it waits its turn, null if the lane is retired. */
        synchronized @Nullable Boolean join(Ticket ticket) {
            if (retired) {
                return null;
            }
            queued.add(ticket);
            if (calling) {
                return false;
            }
            calling = true;
            return true;
        }

        synchronized List<Ticket> drain() {
            List<Ticket> batch = queued;
            queued = new ArrayList<>();
            return batch;
        }

        /** The request to make the next call, or null when none is queued (then the lane is retired). */
        synchronized @Nullable Ticket handOver(Runnable retire) {
            if (queued.isEmpty()) {
                calling = false;
                retired = true;
                retire.run();
                return null;
            }
            return queued.getFirst();
        }
    }

    /** Whether the request may go ahead, and what the RateLimit headers say. */
    record Decision(boolean allowed, int limit, double tokens, double tokensPerMillisecond) {
        long remaining() {
            return (long) Math.floor(tokens);
        }

        /** Seconds until the bucket is full again. */
        long resetSeconds() {
            return (long) Math.ceil((limit - tokens) / tokensPerMillisecond / 1000.0);
        }

        /** Seconds until one more request is allowed. */
        long retryAfterSeconds() {
            return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerMillisecond / 1000.0));
        }
    }
}
