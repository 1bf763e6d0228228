package dev.promptline.api.platform.security;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Each API key has its own bucket in Redis: a burst of 3, then one request every 6 seconds. */
@TestPropertySource(properties = {"promptline.rate-limit.burst=3", "promptline.rate-limit.requests-per-minute=10"})
class RateLimitIT extends AuthenticatedApi {
    private static final String PREFIX = "it:" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @AfterAll
    static void deleteKeys(@Autowired StringRedisTemplate redis) {
        var keys = redis.keys(PREFIX + "*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    @Test
    void aBurstIsAllowedThenTheKeyWaits() {
        var key = acme.member("member");
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var response = http.get("/api/v1/models", key.bearer());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("RateLimit-Limit")).hasValue("3");
            remaining.add(response.headers().firstValue("RateLimit-Remaining").orElseThrow());
        }
        assertThat(remaining).containsExactly("2", "1", "0");

        var refused = http.get("/api/v1/models", key.bearer());

        assertProblem(refused, 429, "RATE_LIMITED", "/api/v1/models");
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 6L);
        assertThat(http.get("/api/v1/models", acme.owner().bearer()).statusCode())
                .as("another key has its own bucket")
                .isEqualTo(200);
    }

    @Test
    void concurrentRequestsNeverGetMoreThanTheBurst() throws Exception {
        var key = acme.member("member");
        List<CompletableFuture<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(CompletableFuture.supplyAsync(
                    () -> http.get("/api/v1/models", key.bearer()).statusCode()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var request : requests) {
            statuses.add(request.get());
        }

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(3);
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(9);
    }

    @Test
    void probesAreNotCharged() {
        for (int i = 0; i < 5; i++) {
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
