package dev.promptline.api.platform.cache;

import dev.promptline.api.platform.redis.ConditionalOnRedis;
import dev.promptline.api.platform.redis.RedisProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.LoggingCacheErrorHandler;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableCaching
@EnableScheduling
class CacheConfiguration implements CachingConfigurer {
    private static final Logger log = LoggerFactory.getLogger(CacheConfiguration.class);

    /** A Redis error on a cached read or write is logged and the call goes to PostgreSQL. */
    @Override
    public CacheErrorHandler errorHandler() {
        return new LoggingCacheErrorHandler(false);
    }

    /**
     * Two tiers per cache: each replica's own memory in front of Redis, kept in step by published evictions (see
     * {@link TwoLevelCache}). Redis keys are {@code <REDIS_KEY_PREFIX><cache>:v1:<key>}; bump v1 when a cached type
     * changes shape, so old entries are never read as the new type. Values are JSON of the cache's declared type.
     * Clearing uses SCAN, never KEYS.
     */
    @Bean
    @ConditionalOnRedis
    CacheManager redisCacheManager(
            StringRedisTemplate redis,
            JsonMapper json,
            CacheProperties properties,
            RedisProperties redisProperties,
            List<CacheDefinition> definitions,
            CacheEvictionChannel evictions) {
        Map<String, TwoLevelCache> caches = new LinkedHashMap<>();
        for (CacheDefinition definition : definitions) {
            var shared = new SharedTier(
                    definition.name(),
                    definition.valueType(),
                    properties.ttlOf(definition.name()),
                    redisProperties.keyPrefix(),
                    redis,
                    json);
            caches.put(
                    definition.name(),
                    new TwoLevelCache(
                            shared, properties.localTtlOf(definition.name()), properties.localMaxEntries(), evictions));
        }
        evictions.deliverTo(caches);
        var manager = new SimpleCacheManager();
        manager.setCaches(caches.values());
        return manager;
    }

    @Bean
    @ConditionalOnExpression("'${promptline.redis.url:}'.isBlank()")
    CacheManager noCache() {
        log.info("No REDIS_URL: reads are not cached");
        return new NoOpCacheManager();
    }
}
