package dev.promptline.api.platform.cache;

import static java.util.Objects.requireNonNull;

/**
 * A cache a feature declares: its name and the type of its values, stored as JSON of exactly that type (no
 * polymorphic type ids in Redis). Features register one bean per cache next to the code that uses it.
 */
public record CacheDefinition(String name, Class<?> valueType) {
    public CacheDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(valueType, "valueType is null");
    }
}
