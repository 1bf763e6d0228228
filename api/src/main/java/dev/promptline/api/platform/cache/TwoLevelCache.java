package dev.promptline.api.platform.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A cache held in this process in front of the shared one in Redis. Reads try the local entry first, then Redis,
 * then the caller's loader; an eviction removes the local entry, the Redis entry, and is published, so every replica
 * drops its own local entry as well. The local entry's TTL is the safety net for an eviction a replica did not hear
 * (Redis unreachable, a subscription lost for a while).
 *
 * <p>A value loaded after a miss is stored only if no eviction of its key (and no clear) came while it was loaded,
 * in either tier: otherwise a read that fetched the row a write was replacing would store it after the write's
 * eviction, and later reads would get the old version back (see {@link SharedTier}). Here that check is a
 * generation per key (striped, so memory stays bounded: a shared stripe only costs a skipped store), bumped before
 * the entry is removed, and checked by the store under the entry's lock. This only works through {@link #get(Object, Callable)}, so every
 * {@code @Cacheable} on these caches says {@code sync = true}.
 *
 * <p>Local keys are the key's string form, as Redis keys are, so a published key names the same entry everywhere.
 * Values are kept as they are, not copied: every cached type is an immutable record.
 */
final class TwoLevelCache implements Cache {
    private static final Logger log = LoggerFactory.getLogger(TwoLevelCache.class);
    private static final int STRIPES = 4096;

    private final SharedTier shared;
    private final com.github.benmanes.caffeine.cache.Cache<String, ValueWrapper> local;
    private final CacheEvictionChannel channel;
    private final AtomicLongArray keyGenerations = new AtomicLongArray(STRIPES);
    private final AtomicLong clears = new AtomicLong();

    TwoLevelCache(SharedTier shared, Duration localTtl, long maxEntries, CacheEvictionChannel channel) {
        this.shared = requireNonNull(shared, "shared is null");
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(localTtl)
                .maximumSize(maxEntries)
                .build();
        this.channel = requireNonNull(channel, "channel is null");
    }

    @Override
    public String getName() {
        return shared.name();
    }

    @Override
    public Object getNativeCache() {
        return shared;
    }

    @Override
    public @Nullable ValueWrapper get(Object key) {
        String localKey = key.toString();
        ValueWrapper cached = local.getIfPresent(localKey);
        if (cached != null) {
            return cached;
        }
        LocalGeneration generation = localGeneration(localKey);
        Object stored = shared.lookup(localKey).value();
        if (stored == null) {
            return null;
        }
        keepLocally(localKey, stored, generation);
        return new SimpleValueWrapper(stored);
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

    /** What {@code @Cacheable(sync = true)} calls: the loaded value is stored only if it is still current. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
        String localKey = key.toString();
        ValueWrapper cached = local.getIfPresent(localKey);
        if (cached != null) {
            return (T) cached.get();
        }
        LocalGeneration generation = localGeneration(localKey);
        SharedTier.Lookup lookup = null;
        try {
            lookup = shared.lookup(localKey);
        } catch (RuntimeException e) {
            log.warn("Cache {} could not read Redis, reading the source: {}", getName(), e.toString());
        }
        if (lookup != null && lookup.value() != null) {
            keepLocally(localKey, lookup.value(), generation);
            return (T) lookup.value();
        }
        T value;
        try {
            value = valueLoader.call();
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
        if (value != null && storeShared(localKey, value, lookup)) {
            keepLocally(localKey, value, generation);
        }
        return value;
    }

    /** A value the caller knows to be current; local first, so that while Redis is unreachable this replica caches. */
    @Override
    public void put(Object key, @Nullable Object value) {
        if (value == null) {
            return;
        }
        local.put(key.toString(), new SimpleValueWrapper(value));
        shared.put(key.toString(), value);
    }

    /**
     * Redis first, then this replica's memory, as every other replica hears it: a read here between the two would
     * otherwise find the old value still in Redis and keep it locally after the local eviction. The local eviction
     * happens even when Redis cannot be reached.
     */
    @Override
    public void evict(Object key) {
        try {
            shared.evict(key.toString());
        } finally {
            evictLocally(key.toString());
        }
        channel.publishEviction(getName(), key.toString());
    }

    @Override
    public void clear() {
        try {
            shared.clear();
        } finally {
            clearLocally();
        }
        channel.publishClear(getName());
    }

    /** What another replica's eviction asks of this one. The generation moves first: see the class comment. */
    void evictLocally(String key) {
        keyGenerations.incrementAndGet(stripe(key));
        local.invalidate(key);
    }

    void clearLocally() {
        clears.incrementAndGet();
        local.invalidateAll();
    }

    /**
     * False when Redis says an eviction came while the value was loaded: then it is not kept here either. When Redis
     * could not be read or written, the value is kept here only, bounded by the local TTL and this replica's own
     * evictions.
     */
    private boolean storeShared(String key, Object value, SharedTier.@Nullable Lookup lookup) {
        if (lookup == null) {
            return true;
        }
        try {
            return shared.putIfCurrent(key, value, lookup);
        } catch (RuntimeException e) {
            log.warn("Cache {} could not write Redis: {}", getName(), e.toString());
            return true;
        }
    }

    /**
     * Checks and stores in one step, under the entry's lock: stored first and checked after, the old value would be
     * visible to other readers for a moment after the eviction. An eviction bumps the generation before it removes the
     * entry, so it either fails this check or removes what this stored. A clear walks every entry without taking
     * their locks, so a store it may have walked past is taken back.
     */
    private void keepLocally(String key, Object value, LocalGeneration before) {
        var entry = new SimpleValueWrapper(value);
        local.asMap().compute(key, (k, present) -> before.equals(localGeneration(k)) ? entry : present);
        if (before.clears() != clears.get()) {
            local.asMap().remove(key, entry);
        }
    }

    private LocalGeneration localGeneration(String key) {
        return new LocalGeneration(keyGenerations.get(stripe(key)), clears.get());
    }

    private static int stripe(String key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }

    private record LocalGeneration(long key, long clears) {}
}
