package dev.promptline.api.models;

import org.jspecify.annotations.Nullable;

/**
 * A model's provider credential as the runtime receives it: the secret itself, or the name of the runtime's
 * environment variable that holds it, or neither. Never logged: toString hides the secret.
 */
public record ProviderCredential(
        @Nullable String apiKey, @Nullable String envVar) {
    @Override
    public String toString() {
        return "ProviderCredential[apiKey=%s, envVar=%s]".formatted(apiKey == null ? "(none)" : "(hidden)", envVar);
    }
}
