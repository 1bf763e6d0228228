package dev.promptline.api.prompts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.promptline.api.platform.cache.CacheDefinition;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The prompt caches: a prompt by id (with its labels and newest version number; evicted on every write to it), its
 * id by name (evicted on delete), and versions (immutable, so a long TTL).
 */
@Configuration(proxyBeanMethods = false)
class PromptCaches {
    static final String PROMPTS = "prompts";
    static final String PROMPT_IDS = "prompt-ids";
    static final String VERSIONS = "prompt-versions";

    @Bean
    CacheDefinition promptsCache() {
        return new CacheDefinition(PROMPTS, Prompt.class);
    }

    @Bean
    CacheDefinition promptIdsCache() {
        return new CacheDefinition(PROMPT_IDS, PromptId.class);
    }

    @Bean
    CacheDefinition promptVersionsCache() {
        return new CacheDefinition(VERSIONS, PromptVersion.class);
    }

    /** Cached versions hold a template of one of two kinds; the JSON says which. */
    @Bean
    JsonMapperBuilderCustomizer promptTemplateJson() {
        return builder -> builder.addMixIn(PromptTemplate.class, PromptTemplateJson.class);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = PromptTemplate.Text.class, name = "text"),
        @JsonSubTypes.Type(value = PromptTemplate.Chat.class, name = "chat")
    })
    interface PromptTemplateJson {}

    /** The key the repository's {@code @Cacheable} methods use: {@code <organization>:<prompt id or name>}. */
    static String key(Object organizationId, Object promptId) {
        return organizationId + ":" + promptId;
    }
}
