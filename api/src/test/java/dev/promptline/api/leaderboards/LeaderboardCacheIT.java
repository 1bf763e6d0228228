package dev.promptline.api.leaderboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The leaderboards' read copy over a real Redis: each replica keeps a view it read for a second, and a write drops it
 * at once on the replica that made it.
 */
class LeaderboardCacheIT {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";
    private static final UUID EXACT = UUID.randomUUID();

    private static TestRedis.Connection connection;
    private static StringRedisTemplate redis;
    private static LeaderboardCache cache;

    @BeforeAll
    static void connect() {
        connection = TestRedis.connect(PREFIX);
        redis = connection.redis();
        var beans = new StaticListableBeanFactory(Map.of(
                "redis", redis, "redisProperties", new RedisProperties(TestRedis.URL, Duration.ofSeconds(2), PREFIX)));
        cache = new LeaderboardCache(
                beans.getBeanProvider(StringRedisTemplate.class),
                beans.getBeanProvider(RedisProperties.class),
                JsonMapper.builder().build());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @Test
    void aViewReadFromRedisIsServedFromMemoryForASecondThenReadAgain() {
        Benchmark benchmark = benchmark();
        cache.store(benchmark, List.of(entry(0.5)), cache.generation(benchmark.id()));
        assertThat(cache.ranked(benchmark.id(), null, 10)).as("read from Redis").isPresent();

        redis.delete(redis.keys(PREFIX + "leaderboard:{" + benchmark.id() + "}:*"));
        assertThat(cache.ranked(benchmark.id(), null, 10))
                .as("the view kept in memory, though Redis lost the copy")
                .isPresent();
        await().atMost(Duration.ofSeconds(5))
                .pollDelay(LeaderboardCache.RECENT)
                .until(() -> cache.ranked(benchmark.id(), null, 10).isEmpty());
    }

    @Test
    void aWriteDropsTheViewKeptInMemoryAtOnce() {
        Benchmark benchmark = benchmark();
        cache.store(benchmark, List.of(entry(0.5)), cache.generation(benchmark.id()));
        assertThat(cache.ranked(benchmark.id(), null, 10).orElseThrow().entries())
                .hasSize(1);

        cache.evict(benchmark);
        assertThat(cache.ranked(benchmark.id(), null, 10))
                .as("dropped with the copy")
                .isEmpty();

        cache.store(benchmark, List.of(entry(0.5), entry(0.9)), cache.generation(benchmark.id()));
        var ranked = cache.ranked(benchmark.id(), null, 10).orElseThrow().entries();
        assertThat(ranked).as("the rebuilt copy, best first").hasSize(2);
        assertThat(ranked.getFirst().metrics().values().iterator().next().mean())
                .isEqualTo(0.9);
    }

    private static Benchmark benchmark() {
        return new Benchmark(
                new BenchmarkId(UUID.randomUUID()),
                new OrganizationId(UUID.randomUUID()),
                "bench",
                "",
                new DatasetId(UUID.randomUUID()),
                1,
                List.of(new Benchmark.Metric(EXACT, 1, Direction.HIGHER)),
                EXACT,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static LeaderboardEntry entry(double mean) {
        return new LeaderboardEntry(
                UUID.randomUUID(),
                UUID.randomUUID(),
                1,
                UUID.randomUUID(),
                UUID.randomUUID(),
                Map.of(EXACT, figures(mean)),
                3,
                null,
                null,
                null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static MetricFigures figures(double mean) {
        return new MetricFigures(1, mean, 0, mean, mean, 3, null, 0);
    }
}
