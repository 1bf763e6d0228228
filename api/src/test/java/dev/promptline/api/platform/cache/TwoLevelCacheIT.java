package dev.promptline.api.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas' caches over one real Redis, with an integer standing for a row in PostgreSQL: a write bumps it and
 * then evicts (as a write evicts after its commit). A read that begins after a write returned never sees the value
 * the write replaced, even when a slower read loaded that value before the write and stores it after the eviction.
 */
class TwoLevelCacheIT {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    private static TestRedis.Connection connection;
    private static StringRedisTemplate redis;
    private static CacheEvictionChannel channelA;
    private static CacheEvictionChannel channelB;

    private final AtomicInteger row = new AtomicInteger(1);

    @BeforeAll
    static void connect() {
        connection = TestRedis.connect(PREFIX);
        redis = connection.redis();
        var properties = new RedisProperties(TestRedis.URL, Duration.ofSeconds(2), PREFIX);
        channelA = new CacheEvictionChannel(connection.factory(), redis, properties);
        channelB = new CacheEvictionChannel(connection.factory(), redis, properties);
        channelA.start();
        channelB.start();
    }

    @AfterAll
    static void disconnect() {
        channelA.stop();
        channelB.stop();
        connection.close();
    }

    @Test
    void aReadThatLoadedTheOldRowBeforeAnEvictionDoesNotStoreItAfter() {
        TwoLevelCache cache = replica("slow-read", channelA);
        String key = "prompt-1";

        Integer slow = cache.get(key, () -> {
            int loaded = row.get();
            write(cache, key); // the write commits and evicts while this read still holds the old row
            return loaded;
        });

        assertThat(slow).as("the slow read itself returns what it loaded").isEqualTo(1);
        assertThat(cache.get(key, row::get)).as("the next read").isEqualTo(2);
    }

    @Test
    void aReadOnAnotherReplicaThatLoadedTheOldRowDoesNotStoreItInRedisOrLocally() {
        TwoLevelCache a = replica("slow-read-across", channelA);
        TwoLevelCache b = replica("slow-read-across", channelB);
        String key = "prompt-1";

        b.get(key, () -> {
            int loaded = row.get();
            write(a, key);
            return loaded;
        });

        assertThat(a.get(key, row::get)).as("read on the writer's replica").isEqualTo(2);
        assertThat(b.get(key, row::get)).as("read on the slow reader's replica").isEqualTo(2);
    }

    /**
     * Writers on both replicas and readers on both, many times over one key. Every read that starts after a write
     * returned sees at least that write, on the writer's replica and in Redis, which every replica reads.
     */
    @Test
    void concurrentReadsAndWritesNeverLeaveTheReplacedValueBehind() throws InterruptedException {
        TwoLevelCache a = replica("hammered", channelA);
        TwoLevelCache b = replica("hammered", channelB);
        String key = "prompt-1";
        var failures = new ConcurrentLinkedQueue<String>();
        var start = new CountDownLatch(1);
        var writersDone = new AtomicInteger();
        int writers = 2;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            TwoLevelCache mine = w % 2 == 0 ? a : b;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < 1_000 && failures.isEmpty(); i++) {
                    int written = write(mine, key);
                    Integer read = mine.get(key, row::get);
                    if (read == null || read < written) {
                        failures.add("read %s on the writer's replica right after writing %d".formatted(read, written));
                    }
                    Object shared =
                            ((SharedTier) mine.getNativeCache()).lookup(key).value();
                    if (shared != null && (Integer) shared < written) {
                        failures.add("Redis holds %s right after %d was written".formatted(shared, written));
                    }
                }
                writersDone.incrementAndGet();
            }));
        }
        for (TwoLevelCache reader : List.of(a, b, a, b)) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                while (writersDone.get() < writers && failures.isEmpty()) {
                    reader.get(key, () -> {
                        int loaded = row.get();
                        Thread.yield(); // widens the window between loading the row and storing it
                        return loaded;
                    });
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(2));
        }

        assertThat(writersDone).as("writers finished").hasValue(writers);
        assertThat(failures).isEmpty();
    }

    private int write(TwoLevelCache cache, String key) {
        int written = row.incrementAndGet();
        cache.evict(key);
        return written;
    }

    private static TwoLevelCache replica(String name, CacheEvictionChannel channel) {
        var shared = new SharedTier(
                name,
                Integer.class,
                Duration.ofMinutes(1),
                PREFIX,
                redis,
                JsonMapper.builder().build());
        var cache = new TwoLevelCache(shared, Duration.ofMinutes(1), 1_000, channel);
        channel.deliverTo(Map.of(name, cache));
        return cache;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
