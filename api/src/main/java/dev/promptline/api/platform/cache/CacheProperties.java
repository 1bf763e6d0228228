package dev.promptline.api.platform.cache;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param ttl time to live in Redis per cache name: the safety net behind eviction on write
 * @param localTtl time to live in each replica's own memory per cache name: the safety net behind evictions
 *     published to every replica, so the longest a replica can serve an entry whose eviction it never heard
 * @param localMaxEntries entries each cache keeps in memory at most, per replica
 */
@ConfigurationProperties("promptline.cache")
@Validated
public record CacheProperties(
        @DefaultValue Map<String, Duration> ttl,
        @DefaultValue Map<String, Duration> localTtl,
        @DefaultValue("10000") @Min(1) long localMaxEntries) {
    public CacheProperties {
        ttl = Collections.unmodifiableMap(new LinkedHashMap<>(ttl));
        localTtl = Collections.unmodifiableMap(new LinkedHashMap<>(localTtl));
    }

    Duration ttlOf(String cache) {
        return ttl.getOrDefault(cache, Duration.ofMinutes(10));
    }

    Duration localTtlOf(String cache) {
        return localTtl.getOrDefault(cache, Duration.ofSeconds(10));
    }
}
