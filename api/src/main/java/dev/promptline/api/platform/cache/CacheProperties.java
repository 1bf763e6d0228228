package dev.promptline.api.platform.cache;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param ttl time to live per cache name: the safety net behind eviction on write
 * @param keyPrefix prefix of every cache key in Redis, so several installations (or test runs) can share one Redis
 */
@ConfigurationProperties("promptline.cache")
@Validated
public record CacheProperties(
        @DefaultValue Map<String, Duration> ttl,
        @DefaultValue("promptline:") String keyPrefix) {
    public CacheProperties {
        ttl = Collections.unmodifiableMap(new LinkedHashMap<>(ttl));
    }

    Duration ttlOf(String cache) {
        return ttl.getOrDefault(cache, Duration.ofMinutes(10));
    }
}
