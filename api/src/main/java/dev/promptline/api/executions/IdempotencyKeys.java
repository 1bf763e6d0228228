package dev.promptline.api.executions;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Remembers which execution an Idempotency-Key started, in Redis with a TTL, so a client that retries an execute
 * gets the first execution back instead of paying twice. A key sent again with a different request is refused. The
 * claim is one SET NX, so two replicas racing with the same key cannot both run it. Without Redis (or while it is
 * down) keys are not remembered and a retry runs again: the execution record stays correct either way.
 */
@Component
class IdempotencyKeys {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

    private final @Nullable StringRedisTemplate redis;
    private final String prefix;
    private final ExecutionProperties properties;

    IdempotencyKeys(
            ObjectProvider<StringRedisTemplate> redis,
            ObjectProvider<RedisProperties> redisProperties,
            ExecutionProperties properties) {
        this.redis = redis.getIfAvailable();
        RedisProperties settings = redisProperties.getIfAvailable();
        this.prefix = (settings == null ? "promptline:" : settings.keyPrefix()) + "idempotency:";
        this.properties = properties;
    }

    /**
     * Claims {@code key} for {@code executionId}; returns the execution that claimed it earlier, if any.
     *
     * @param fingerprint what the request asked for: the same key with another fingerprint is a client error
     */
    Optional<UUID> claim(OrganizationId organization, String key, String fingerprint, UUID executionId) {
        if (redis == null) {
            return Optional.empty();
        }
        String redisKey = redisKey(organization, key);
        try {
            Boolean claimed = redis.opsForValue()
                    .setIfAbsent(redisKey, executionId + " " + fingerprint, properties.idempotencyTtl());
            if (Boolean.TRUE.equals(claimed)) {
                return Optional.empty();
            }
            String earlier = redis.opsForValue().get(redisKey);
            if (earlier == null) {
                return Optional.empty(); // expired in between: this request runs
            }
            String[] parts = earlier.split(" ", 2);
            if (parts.length < 2 || !parts[1].equals(fingerprint)) {
                throw new PromptlineException(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was used for a different request; use a new key for a new request.");
            }
            return Optional.of(UUID.fromString(parts[0]));
        } catch (PromptlineException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("Idempotency-Key not remembered, Redis failed: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Forgets a claim whose execution never got a record, so that a retry can run. */
    void release(OrganizationId organization, String key) {
        if (redis == null) {
            return;
        }
        try {
            redis.delete(redisKey(organization, key));
        } catch (RuntimeException e) {
            log.warn("Could not release an Idempotency-Key: {}", e.getMessage());
        }
    }

    private String redisKey(OrganizationId organization, String key) {
        return prefix + organization.value() + ":" + key;
    }
}
