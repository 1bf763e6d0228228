package dev.promptline.api.organizations;

import dev.promptline.api.platform.cache.CacheDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keys by prefix, so authenticating a request needs no database query. The TTL is short (API_KEY_CACHE_TTL, 30 s)
 * and revocation, role changes and user removal evict at once; the TTL only bounds what an eviction lost to a
 * Redis outage could leave behind.
 */
@Configuration(proxyBeanMethods = false)
class ApiKeyCaches {
    static final String API_KEYS = "api-keys";

    @Bean
    CacheDefinition apiKeysCache() {
        return new CacheDefinition(API_KEYS, ApiKeyRepository.StoredKey.class);
    }
}
