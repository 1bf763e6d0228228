package dev.promptline.api.leaderboards;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptline.api.platform.redis.RedisProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The leaderboards' read copy in Redis: per benchmark, a hash of its entries (and the benchmark itself) and one sorted
 * set per metric, ordered best first. PostgreSQL stays the source of truth: a missing copy (Redis lost it, it expired,
 * it was never built) is rebuilt from there on the next read, and without Redis (not configured, or failing) every
 * read goes to PostgreSQL.
 *
 * <p>A write to PostgreSQL bumps the benchmark's generation and drops the copy after it commits. A rebuild caches what
 * it read only if the generation did not move from before its read until its write (WATCH), so a rebuild racing a
 * write never puts back what the write replaced.
 *
 * <p>Each replica also keeps the views it read from Redis for a second ({@link #RECENT}), so that a board read many
 * times a second costs no round trip and no JSON for most reads. A write drops this replica's views at once; another
 * replica's may lag it by up to that second.
 */
@Component
class LeaderboardCache {
    private static final Logger log = LoggerFactory.getLogger(LeaderboardCache.class);
    /** A benchmark nobody reads leaves Redis on its own. */
    private static final Duration TTL = Duration.ofHours(6);

    private static final String BENCHMARK_FIELD = "~benchmark";
    /** How long a replica serves a view it read from Redis without asking again. */
    static final Duration RECENT = Duration.ofSeconds(1);

    private record View(BenchmarkId id, @Nullable UUID evaluatorId, int limit) {}

    private final @Nullable StringRedisTemplate redis;
    private final String keyPrefix;
    private final JsonMapper json;
    private final Cache<View, Ranked> recent =
            Caffeine.newBuilder().expireAfterWrite(RECENT).maximumSize(1_000).build();
    /** Bumped by every eviction: a view read from Redis before one is not kept (it may be what the write replaced). */
    private final AtomicLong evictions = new AtomicLong();

    LeaderboardCache(
            ObjectProvider<StringRedisTemplate> redis, ObjectProvider<RedisProperties> properties, JsonMapper json) {
        this.redis = redis.getIfAvailable();
        RedisProperties redisProperties = properties.getIfAvailable();
        this.keyPrefix = redisProperties == null ? "" : redisProperties.keyPrefix();
        this.json = json;
    }

    /** A benchmark and its best entries by one metric, best first, as the copy holds them. */
    record Ranked(Benchmark benchmark, List<LeaderboardEntry> entries) {}

    /**
     * The copy's view by {@code evaluatorId} (the benchmark's own ranking metric when null), or empty when Redis has
     * no copy or cannot answer: the caller then reads PostgreSQL and {@link #store stores} what it read.
     */
    Optional<Ranked> ranked(BenchmarkId id, @Nullable UUID evaluatorId, int limit) {
        if (redis == null) {
            return Optional.empty();
        }
        View view = new View(id, evaluatorId, limit);
        Ranked kept = recent.getIfPresent(view);
        if (kept != null) {
            return Optional.of(kept);
        }
        long evictionsBefore = evictions.get();
        Optional<Ranked> read = read(id, evaluatorId, limit);
        if (read.isPresent() && evictions.get() == evictionsBefore) {
            recent.put(view, read.get());
        }
        return read;
    }

    private Optional<Ranked> read(BenchmarkId id, @Nullable UUID evaluatorId, int limit) {
        try {
            List<String> members = redis.opsForZSet().reverseRange(byMetric(id, evaluatorId), 0, limit - 1L).stream()
                    .toList();
            List<Object> fields = new ArrayList<>(members.size() + 1);
            fields.add(BENCHMARK_FIELD);
            fields.addAll(members);
            List<Object> values = redis.opsForHash().multiGet(entries(id), fields);
            if (values.getFirst() == null) {
                return Optional.empty(); // no copy (the sorted set of a board without entries does not exist either)
            }
            Benchmark benchmark = json.readValue((String) values.getFirst(), Benchmark.class);
            List<LeaderboardEntry> ranked = new ArrayList<>(members.size());
            for (Object value : values.subList(1, values.size())) {
                if (value == null) {
                    return Optional.empty(); // torn by an eviction between the two reads: read PostgreSQL
                }
                ranked.add(json.readValue((String) value, LeaderboardEntry.class));
            }
            return Optional.of(new Ranked(benchmark, ranked));
        } catch (DataAccessException e) {
            log.debug("Leaderboard read from Redis failed, reading PostgreSQL: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The current generation, read before a rebuild reads PostgreSQL; null without Redis. */
    @Nullable
    String generation(BenchmarkId id) {
        if (redis == null) {
            return null;
        }
        try {
            return Objects.requireNonNullElse(redis.opsForValue().get(generationKey(id)), "0");
        } catch (DataAccessException e) {
            return null;
        }
    }

    /** Caches what a rebuild read, unless a write moved the generation since {@code generation} was read. */
    void store(Benchmark benchmark, List<LeaderboardEntry> entries, @Nullable String generation) {
        if (redis == null || generation == null) {
            return;
        }
        BenchmarkId id = benchmark.id();
        try {
            redis.execute(new SessionCallback<List<Object>>() {
                @Override
                @SuppressWarnings({"unchecked", "rawtypes"})
                public List<Object> execute(RedisOperations operations) {
                    operations.watch(generationKey(id));
                    Object now = operations.opsForValue().get(generationKey(id));
                    if (!generation.equals(now == null ? "0" : now)) {
                        operations.unwatch();
                        return List.of();
                    }
                    operations.multi();
                    write(operations, benchmark, entries);
                    return operations.exec();
                }
            });
        } catch (DataAccessException e) {
            log.debug("Leaderboard copy not stored in Redis: {}", e.getMessage());
        }
    }

    /** Drops the copy after a write to PostgreSQL; the next read rebuilds it. */
    void evict(Benchmark benchmark) {
        if (redis == null) {
            return;
        }
        BenchmarkId id = benchmark.id();
        List<String> keys = new ArrayList<>();
        keys.add(entries(id));
        keys.add(byMetric(id, null));
        benchmark.metrics().forEach(metric -> keys.add(byMetric(id, metric.evaluatorId())));
        try {
            redis.opsForValue().increment(generationKey(id));
            redis.expire(generationKey(id), TTL);
            redis.delete(keys);
        } catch (DataAccessException e) {
            // The copy may now be stale until it expires: say so where an operator looks.
            log.warn(
                    "Leaderboard of benchmark {} not dropped from Redis ({}); it is stale until it expires in {}",
                    id,
                    e.getMessage(),
                    TTL);
        } finally {
            // After Redis: a read that began before this point either sees the bump or read Redis after the delete.
            evictions.incrementAndGet();
            recent.asMap().keySet().removeIf(view -> view.id().equals(id));
        }
    }

    @SuppressWarnings("unchecked")
    private void write(RedisOperations<String, String> operations, Benchmark benchmark, List<LeaderboardEntry> all) {
        BenchmarkId id = benchmark.id();
        operations.delete(entries(id));
        operations.opsForHash().put(entries(id), BENCHMARK_FIELD, json.writeValueAsString(benchmark));
        for (var metric : benchmark.metrics()) {
            List<String> keys = new ArrayList<>(List.of(byMetric(id, metric.evaluatorId())));
            if (metric.evaluatorId().equals(benchmark.rankBy())) {
                keys.add(byMetric(id, null));
            }
            for (String key : keys) {
                operations.delete(key);
                for (var entry : all) {
                    operations.opsForZSet().add(key, entry.member(), rankScore(entry, metric));
                }
                operations.expire(key, TTL);
            }
        }
        for (var entry : all) {
            operations.opsForHash().put(entries(id), entry.member(), json.writeValueAsString(entry));
        }
        operations.expire(entries(id), TTL);
    }

    /** Higher is better in the sorted set: the mean, negated for a "lower is better" metric; unscored last. */
    static double rankScore(LeaderboardEntry entry, Benchmark.Metric metric) {
        MetricFigures figures = entry.metrics().get(metric.evaluatorId());
        if (figures == null || figures.count() == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return metric.direction() == Direction.HIGHER ? figures.mean() : -figures.mean();
    }

    // The benchmark id is a hash tag, so a cluster keeps a board's keys on one node and MULTI can span them.
    private String entries(BenchmarkId id) {
        return keyPrefix + "leaderboard:{" + id + "}:entries";
    }

    /** The sorted set by one metric; by the benchmark's own ranking metric when {@code evaluatorId} is null. */
    private String byMetric(BenchmarkId id, @Nullable UUID evaluatorId) {
        return keyPrefix + "leaderboard:{" + id + "}:by:" + (evaluatorId == null ? "default" : evaluatorId);
    }

    private String generationKey(BenchmarkId id) {
        return keyPrefix + "leaderboard:{" + id + "}:generation";
    }
}
