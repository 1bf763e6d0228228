package dev.promptline.api.models;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.promptline.api.platform.cache.CacheDefinition;
import dev.promptline.api.platform.tenancy.OrganizationId;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Models by id, evicted on every write to one. Credentials stay encrypted in the cache as in the table. */
@Configuration(proxyBeanMethods = false)
class ModelCaches {
    static final String MODELS = "models";

    @Bean
    CacheDefinition modelsCache() {
        return new CacheDefinition(MODELS, Model.class);
    }

    @Bean
    JsonMapperBuilderCustomizer credentialJson() {
        return builder -> builder.addMixIn(Credential.class, CredentialJson.class);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Credential.None.class, name = "none"),
        @JsonSubTypes.Type(value = Credential.Encrypted.class, name = "encrypted"),
        @JsonSubTypes.Type(value = Credential.EnvironmentVariable.class, name = "env")
    })
    interface CredentialJson {}

    /** The key {@code ModelRepository.find} caches under. */
    static String key(OrganizationId organizationId, ModelId id) {
        return organizationId.value() + ":" + id.value();
    }
}
