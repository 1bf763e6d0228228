package dev.promptline.api.platform.cache;

import dev.promptline.api.platform.database.AfterCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Evicts entries after the writing transaction commits (evicting earlier would let a concurrent reader cache the
 * old row again before the commit). An eviction that fails because Redis is unreachable must not fail the write,
 * which has already committed; instead every cache is cleared as soon as Redis answers again, so no stale entry
 * outlives the outage.
 */
@Component
public class CacheInvalidation {
    private static final Logger log = LoggerFactory.getLogger(CacheInvalidation.class);

    private final CacheManager caches;
    private final AtomicBoolean missedEvictions = new AtomicBoolean();
    private final Counter failures;

    CacheInvalidation(CacheManager caches, MeterRegistry meters) {
        this.caches = caches;
        this.failures = Counter.builder("promptline.cache.eviction.failures")
                .description("Cache evictions that could not reach Redis")
                .register(meters);
    }

    /** Evicts the keys from the named cache once the current transaction (if any) has committed. */
    public void evictAfterCommit(String cacheName, Object... keys) {
        AfterCommit.run(() -> evict(cacheName, keys));
    }

    /**
     * Evicts the keys now, outside any transaction: for commands, which must know whether Redis took it. False when
     * Redis could not be reached (then every cache is cleared once it answers, as after a missed eviction).
     */
    public boolean evictNow(String cacheName, Object... keys) {
        return evict(cacheName, keys);
    }

    private boolean evict(String cacheName, Object... keys) {
        Cache cache = caches.getCache(cacheName);
        if (cache == null) {
            return true;
        }
        try {
            for (Object key : keys) {
                cache.evict(key);
            }
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            missedEvictions.set(true);
            log.warn(
                    "Could not evict from cache {}; all caches are cleared when Redis answers again: {}",
                    cacheName,
                    e.toString());
            return false;
        }
    }

    /** After an outage during which evictions were missed, clears every cache once Redis answers. */
    @Scheduled(fixedDelayString = "${promptline.cache.recovery-check-interval:5s}")
    void clearAfterMissedEvictions() {
        if (!missedEvictions.get()) {
            return;
        }
        try {
            for (String name : caches.getCacheNames()) {
                Cache cache = caches.getCache(name);
                if (cache != null) {
                    cache.clear();
                }
            }
            missedEvictions.set(false);
            log.info("Redis answers again; cleared the caches after missed evictions");
        } catch (RuntimeException e) {
            log.debug("Redis still unreachable; caches not cleared yet: {}", e.toString());
        }
    }
}
