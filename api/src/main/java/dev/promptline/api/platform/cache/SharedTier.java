package dev.promptline.api.platform.cache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.databind.json.JsonMapper;

/**
 * One cache's entries in Redis, shared by every replica. Values live at {@code <prefix><cache>:v1:<key>} as JSON of
 * the cache's declared type. Beside them, each key has a generation ({@code <prefix><cache>:gen:<key>}) that every
 * eviction bumps, and the cache one ({@code <prefix><cache>:gen}) that every clear bumps.
 *
 * <p>Why generations: a reader that missed the cache loads the row from PostgreSQL and stores it afterwards. If a
 * write commits and evicts in between, a plain store would put the row the write replaced back, and every replica
 * would serve it until its TTL. So the reader notes the generations when it misses and stores only if they are the
 * same when it stores (one Lua script: the check and the store cannot be split by an eviction).
 */
final class SharedTier {
    /** The generations a lookup saw: what a store of a value loaded after it must still find. */
    record Lookup(@Nullable Object value, String keyGeneration, String cacheGeneration) {}

    private static final RedisScript<Long> PUT_IF_CURRENT = RedisScript.of("""
            if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] or (redis.call('GET', KEYS[3]) or '0') ~= ARGV[2] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
            return 1
            """, Long.class);
    private static final RedisScript<Long> EVICT = RedisScript.of("""
            redis.call('DEL', KEYS[1])
            redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 1
            """, Long.class);

    private final String name;
    private final Class<?> type;
    private final Duration ttl;
    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final String values;
    private final String generations;
    private final String cacheGeneration;

    SharedTier(String name, Class<?> type, Duration ttl, String keyPrefix, StringRedisTemplate redis, JsonMapper json) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.redis = requireNonNull(redis, "redis is null");
        this.json = requireNonNull(json, "json is null");
        this.values = keyPrefix + name + ":v1:";
        this.generations = keyPrefix + name + ":gen:";
        this.cacheGeneration = keyPrefix + name + ":gen";
    }

    String name() {
        return name;
    }

    /** The value and the generations, read at once (one MGET). */
    Lookup lookup(String key) {
        List<@Nullable String> found = redis.opsForValue().multiGet(keys(key));
        if (found == null || found.size() != 3) {
            throw new IllegalStateException("MGET answered " + found);
        }
        String value = found.get(0);
        return new Lookup(
                value == null ? null : json.readValue(value, type), generation(found.get(1)), generation(found.get(2)));
    }

    /** Stores a value loaded after {@code lookup}, unless an eviction or a clear came since; true if stored. */
    boolean putIfCurrent(String key, Object value, Lookup lookup) {
        Long stored = redis.execute(
                PUT_IF_CURRENT,
                keys(key),
                lookup.keyGeneration(),
                lookup.cacheGeneration(),
                json.writeValueAsString(value),
                String.valueOf(ttl.toMillis()));
        return stored != null && stored == 1L;
    }

    /** Stores a value the caller knows to be current (a write, not a read's load). */
    void put(String key, Object value) {
        redis.opsForValue().set(values + key, json.writeValueAsString(value), ttl);
    }

    /**
     * Drops the value and bumps its generation, which outlives any load in flight: it expires with the cache's TTL,
     * and a missing generation reads as a new one to a reader that saw it set.
     */
    void evict(String key) {
        redis.execute(EVICT, List.of(values + key, generations + key), String.valueOf(ttl.toMillis()));
    }

    /** Bumps the cache's generation first, so no load in flight stores behind the clear, then drops every value. */
    void clear() {
        redis.opsForValue().increment(cacheGeneration);
        var batch = new ArrayList<String>();
        try (Cursor<String> keys = redis.scan(
                ScanOptions.scanOptions().match(values + "*").count(1000).build())) {
            while (keys.hasNext()) {
                batch.add(keys.next());
                if (batch.size() == 1000) {
                    redis.delete(batch);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            redis.delete(batch);
        }
    }

    private List<String> keys(String key) {
        return Arrays.asList(values + key, generations + key, cacheGeneration);
    }

    private static String generation(@Nullable String stored) {
        return stored == null ? "0" : stored;
    }
}
