package dev.promptline.api.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.testing.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Two replicas' limiters over one real Redis, taking tokens in leases: together they never get more than the bucket,
 * a busy subject costs few calls to Redis, and what a lease has left goes back to the bucket after its lifetime.
 */
class RateLimiterLeasesIT {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    private static TestRedis.Connection connection;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void connect() {
        connection = TestRedis.connect(PREFIX);
        redis = connection.redis();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @Test
    void twoReplicasTogetherNeverGetMoreThanTheBucket() throws Exception {
        // A bucket of 200 that refills one token a minute; leases of up to 20 tokens on each replica.
        List<RateLimiter> replicas = List.of(replica(200, 20), replica(200, 20));
        AtomicInteger allowed = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int client = 0; client < 16; client++) {
                RateLimiter replica = replicas.get(client % 2);
                clients.add(threads.submit(() -> {
                    for (int request = 0; request < 40; request++) {
                        if (replica.take("key").orElseThrow().allowed()) {
                            allowed.incrementAndGet();
                        }
                    }
                }));
            }
            for (var client : clients) {
                client.get();
            }
        }
        // Both replicas asked until the bucket was empty, so no lease kept tokens back: all 200 were spent, no more
        // (one more if the refill's token came in during the test).
        assertThat(allowed.get()).isBetween(200, 201);
    }

    @Test
    void aBusySubjectTakesItsTokensInLeasesAndTheHeadersStayExact() {
        var meters = new SimpleMeterRegistry();
        var replica = new RateLimiter(redis, properties(), "leases", 10_000, 1, 1_000, meters);
        RateLimiter.Decision last = null;
        for (int request = 0; request < 1_000; request++) {
            last = replica.take("busy").orElseThrow();
            assertThat(last.allowed()).isTrue();
        }
        // Leases of 1, 2, 4 … 512 tokens: 10 calls for 1,000 requests, where each request used to be one.
        assertThat(meters.counter("promptline.ratelimit.calls", "limit", "leases")
                        .count())
                .isEqualTo(10);
        assertThat(last.remaining()).as("the bucket and the lease's own tokens").isEqualTo(9_000);
    }

    @Test
    void whatALeaseHasLeftGoesBackToTheBucketAfterItsLifetime() throws InterruptedException {
        RateLimiter a = replica(10, 8);
        RateLimiter b = replica(10, 8);
        for (int request = 0; request < 4; request++) {
            assertThat(a.take("shared").orElseThrow().allowed()).isTrue(); // leases of 1, 2, then 4: 3 left in a's
        }
        assertThat(takeUntilRefused(b, "shared")).as("what the bucket has left").isEqualTo(3);

        // The rule under test is a time: nothing outside the limiter shows the lease expiring, and asking it would
        // spend from the lease, so this waits the lifetime out instead of polling for a condition.
        Thread.sleep(RateLimiter.LEASE_LIFETIME.plusMillis(100));
        assertThat(a.take("shared").orElseThrow().allowed())
                .as("gives back 3, takes 1")
                .isTrue();
        assertThat(takeUntilRefused(b, "shared")).as("the 2 given back").isEqualTo(2);
    }

    @Test
    void withLeasesOfOneEveryRequestIsOneCall() {
        var meters = new SimpleMeterRegistry();
        var exact = new RateLimiter(redis, properties(), "exact", 5, 1, 1, meters);
        assertThat(takeUntilRefused(exact, "address")).isEqualTo(5);
        assertThat(meters.counter("promptline.ratelimit.calls", "limit", "exact")
                        .count())
                .isEqualTo(6);
    }

    private static int takeUntilRefused(RateLimiter limiter, String subject) {
        int allowed = 0;
        while (limiter.take(subject).orElseThrow().allowed()) {
            allowed++;
        }
        return allowed;
    }

    /** A replica's limiter: every replica's limiter of one name shares the subjects' buckets. */
    private static RateLimiter replica(int burst, int maxLease) {
        return new RateLimiter(redis, properties(), "limit", burst, 1, maxLease, new SimpleMeterRegistry());
    }

    private static RedisProperties properties() {
        return new RedisProperties(TestRedis.URL, Duration.ofSeconds(2), PREFIX);
    }
}
