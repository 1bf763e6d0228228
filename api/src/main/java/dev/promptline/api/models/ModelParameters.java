package dev.promptline.api.models;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Default sampling parameters of a model; a prompt version or an execution may override each. Unset means the
 * provider's default.
 */
public record ModelParameters(
        @Nullable Double temperature,
        @Nullable Double topP,
        @Nullable Integer maxTokens,
        @Nullable List<String> stop) {
    public static final ModelParameters NONE = new ModelParameters(null, null, null, null);

    public ModelParameters {
        stop = stop == null ? null : List.copyOf(stop);
    }

    /** These parameters with each field that {@code overrides} sets replaced by its value. */
    public ModelParameters overriddenBy(ModelParameters overrides) {
        return new ModelParameters(
                overrides.temperature() != null ? overrides.temperature() : temperature,
                overrides.topP() != null ? overrides.topP() : topP,
                overrides.maxTokens() != null ? overrides.maxTokens() : maxTokens,
                overrides.stop() != null ? overrides.stop() : stop);
    }
}
