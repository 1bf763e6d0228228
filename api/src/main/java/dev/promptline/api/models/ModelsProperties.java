package dev.promptline.api.models;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param credentialsKey base64 of 32 random bytes: the AES-256-GCM key that encrypts provider credentials at rest;
 *     a secret, with no default (the embedded mode makes one in its data directory)
 * @param previousCredentialsKeys keys that credentials were encrypted with before a rotation: they decrypt, never
 *     encrypt, until the {@code reencrypt-credentials} command has moved every credential to the current key
 * @param allowedHosts host names and CIDR ranges that model base URLs may point at although they are private or
 *     local, e.g. a self-hosted Ollama on the cluster network
 */
@ConfigurationProperties("promptline.models")
@Validated
public record ModelsProperties(
        @Nullable String credentialsKey,
        @DefaultValue List<String> previousCredentialsKeys,
        @DefaultValue List<String> allowedHosts) {
    public ModelsProperties {
        previousCredentialsKeys = previousCredentialsKeys.stream()
                .map(String::strip)
                .filter(key -> !key.isEmpty())
                .toList();
        allowedHosts = allowedHosts.stream()
                .map(String::strip)
                .filter(host -> !host.isEmpty())
                .toList();
    }

    @Override
    public String toString() {
        return "ModelsProperties[credentialsKey=" + (credentialsKey == null ? "(none)" : "(set)")
                + ", previousCredentialsKeys=(" + previousCredentialsKeys.size() + " set), allowedHosts=" + allowedHosts
                + "]";
    }
}
