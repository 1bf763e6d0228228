package dev.promptline.api.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param apiKey the operator credential ({@code OPERATOR_API_KEY}) that the tenant administration API under
 *     {@code /operator/**} requires; empty switches that API off
 */
@ConfigurationProperties("promptline.operator")
public record OperatorProperties(@DefaultValue("") String apiKey) {
    /** A guessable operator key would hand out every tenant: refuse to start with a short one. */
    static final int MIN_LENGTH = 32;

    public OperatorProperties {
        apiKey = apiKey.strip();
        if (!apiKey.isEmpty() && apiKey.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "OPERATOR_API_KEY must be at least %d characters (openssl rand -hex 32)".formatted(MIN_LENGTH));
        }
    }

    public boolean enabled() {
        return !apiKey.isEmpty();
    }

    @Override
    public String toString() {
        return "OperatorProperties[apiKey=" + (enabled() ? "(set)" : "(empty)") + "]";
    }
}
