package dev.promptline.api.platform.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A cache held in this process in front of the shared one in Redis. Reads try the local entry first, then Redis,
 * then the caller's loader; writes go to both. An eviction removes the local entry, the Redis entry, and is
 * published, so every replica drops its own local entry as well. The local entry's TTL is the safety net for an
 * eviction a replica did not hear (Redis unreachable, a subscription lost for a while).
 *
 * <p>Local keys are the key's string form, as Redis keys are, so a published key names the same entry everywhere.
 * Values are kept as they are, not copied: every cached type is an immutable record.
 */
final class TwoLevelCache implements Cache {
    private final Cache shared;
    private final com.github.benmanes.caffeine.cache.Cache<String, ValueWrapper> local;
    private final CacheEvictionChannel channel;
    // Bumped by every local eviction: an entry read from Redis while an eviction arrived is not kept locally, since
    // it may be the very value the eviction was about.
    private final AtomicLong evictions = new AtomicLong();

    TwoLevelCache(Cache shared, Duration localTtl, long maxEntries, CacheEvictionChannel channel) {
        this.shared = requireNonNull(shared, "shared is null");
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(localTtl)
                .maximumSize(maxEntries)
                .build();
        this.channel = requireNonNull(channel, "channel is null");
    }

    @Override
    public String getName() {
        return shared.getName();
    }

    @Override
    public Object getNativeCache() {
        return shared.getNativeCache();
    }

    @Override
    public @Nullable ValueWrapper get(Object key) {
        String localKey = key.toString();
        ValueWrapper cached = local.getIfPresent(localKey);
        if (cached != null) {
            return cached;
        }
        long before = evictions.get();
        ValueWrapper stored = shared.get(key);
        if (stored != null && stored.get() != null && evictions.get() == before) {
            local.put(localKey, new SimpleValueWrapper(stored.get()));
        }
        return stored;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
        ValueWrapper wrapper = get(key);
        Object value = wrapper == null ? null : wrapper.get();
        if (value != null && type != null && !type.isInstance(value)) {
            throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
        }
        return (T) value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
        ValueWrapper wrapper = get(key);
        if (wrapper != null) {
            return (T) wrapper.get();
        }
        T value;
        try {
            value = valueLoader.call();
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
        if (value != null) {
            put(key, value);
        }
        return value;
    }

    /** Local first: while Redis is unreachable this replica still caches, bounded by the local TTL. */
    @Override
    public void put(Object key, @Nullable Object value) {
        if (value == null) {
            return;
        }
        local.put(key.toString(), new SimpleValueWrapper(value));
        shared.put(key, value);
    }

    @Override
    public void evict(Object key) {
        evictLocally(key.toString());
        shared.evict(key);
        channel.publishEviction(getName(), key.toString());
    }

    @Override
    public void clear() {
        clearLocally();
        shared.clear();
        channel.publishClear(getName());
    }

    /** What another replica's eviction asks of this one. */
    void evictLocally(String key) {
        evictions.incrementAndGet();
        local.invalidate(key);
    }

    void clearLocally() {
        evictions.incrementAndGet();
        local.invalidateAll();
    }
}
