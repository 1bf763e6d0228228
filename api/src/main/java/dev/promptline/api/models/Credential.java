package dev.promptline.api.models;

import org.jspecify.annotations.Nullable;

/**
 * How a model authenticates to its provider, as stored: nothing, an encrypted secret, or the name of an environment
 * variable of the runtime that holds it. The plain secret is never part of this type.
 */
public sealed interface Credential {
    record None() implements Credential {}

    record Encrypted(byte[] ciphertext) implements Credential {
        @Override
        public String toString() {
            return "Encrypted[(hidden)]";
        }
    }

    record EnvironmentVariable(String name) implements Credential {}

    static Credential of(byte @Nullable [] ciphertext, @Nullable String environmentVariable) {
        if (ciphertext != null) {
            return new Encrypted(ciphertext);
        }
        if (environmentVariable != null) {
            return new EnvironmentVariable(environmentVariable);
        }
        return new None();
    }
}
