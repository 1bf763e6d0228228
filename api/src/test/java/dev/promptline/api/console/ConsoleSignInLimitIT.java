package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.TestRedis;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Sign-in attempts from one address are limited, right or wrong: three a minute here. */
@TestPropertySource(properties = "promptline.console.sign-in-attempts-per-minute=3")
class ConsoleSignInLimitIT extends AuthenticatedApi {
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
    void pastTheLimitEvenTheRightKeyIsRefusedInWordsUntilTheBucketRefills() {
        var browser = new ConsoleClient(port);
        for (int i = 0; i < 3; i++) {
            browser.get("/console/sign-in");
            var wrong = browser.post("/console/sign-in", Map.of("apiKey", "pl_not-a-key-" + i));
            assertThat(wrong.statusCode()).isEqualTo(401);
        }

        browser.get("/console/sign-in");
        var refused =
                browser.post("/console/sign-in", Map.of("apiKey", acme.owner().key()));

        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).as("one attempt comes back every 20 s").isBetween(1L, 20L);
        assertThat(refused.body()).contains("Too many sign-in attempts from this address. Try again in " + retryAfter);
        assertThat(jdbc.sql("SELECT count(*) FROM console_sessions")
                        .query(Long.class)
                        .single())
                .as("no session was opened")
                .isZero();
        assertThat(browser.get("/console/prompts").statusCode())
                .as("still signed out")
                .isEqualTo(302);
    }
}
