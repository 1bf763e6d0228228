package dev.promptline.api.openai;

import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.tenancy.Caller;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Which execution the latest first attempt of a request started, so that the official SDKs' automatic retries do not
 * run it twice. The SDKs send no idempotency key by default; they number their attempts in
 * {@code X-Stainless-Retry-Count} (0 first) and resend the same body. So each first attempt remembers its execution
 * under the API key and a digest of the body, overwriting any earlier one (two identical requests a caller meant both
 * run), and a retry (count 1 or more) takes that execution's answer instead of running again. Kept in Redis for
 * {@link #WINDOW}, longer than the SDKs' retries take; without Redis a retry runs again, as on the REST API without a
 * key. An explicit {@code Idempotency-Key} takes the REST API's stricter path instead.
 */
@Component
class SdkRetries {
    static final String RETRY_COUNT_HEADER = "X-Stainless-Retry-Count";
    /** The SDKs retry twice by default, within about a minute; a caller's timeout may stretch that. */
    static final Duration WINDOW = Duration.ofMinutes(15);

    private static final Logger log = LoggerFactory.getLogger(SdkRetries.class);

    private final @Nullable StringRedisTemplate redis;
    private final String prefix;

    SdkRetries(ObjectProvider<StringRedisTemplate> redis, ObjectProvider<RedisProperties> redisProperties) {
        this.redis = redis.getIfAvailable();
        RedisProperties settings = redisProperties.getIfAvailable();
        this.prefix = (settings == null ? "promptline:" : settings.keyPrefix()) + "openai-attempt:";
    }

    /** Whether the request is an SDK's automatic retry of an earlier attempt. */
    static boolean isRetry(@Nullable String retryCount) {
        if (retryCount == null) {
            return false;
        }
        try {
            return Integer.parseInt(retryCount.strip()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The execution the first attempt of this request started, if it is remembered. */
    Optional<UUID> firstAttempt(Caller caller, String fingerprint) {
        if (redis == null) {
            return Optional.empty();
        }
        try {
            String id = redis.opsForValue().get(key(caller, fingerprint));
            return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
        } catch (RuntimeException e) {
            log.warn("An SDK retry could not be matched to its first attempt, Redis failed: {}", e.getMessage());
            return Optional.empty();
        }
    }

    void remember(Caller caller, String fingerprint, UUID executionId) {
        if (redis == null) {
            return;
        }
        try {
            redis.opsForValue().set(key(caller, fingerprint), executionId.toString(), WINDOW);
        } catch (RuntimeException e) {
            log.warn(
                    "An execution's first attempt is not remembered for SDK retries, Redis failed: {}", e.getMessage());
        }
    }

    private String key(Caller caller, String fingerprint) {
        return prefix + caller.organizationId().value() + ":" + caller.apiKeyId() + ":" + fingerprint;
    }
}
