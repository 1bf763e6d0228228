package dev.promptline.api.models;

import java.util.Locale;

/** Who serves a model. {@code CUSTOM} is any OpenAI-compatible server (Ollama, vLLM, LM Studio, TGI). */
public enum Provider {
    OPENAI(false, true),
    ANTHROPIC(false, true),
    HUGGINGFACE(false, true),
    CUSTOM(true, false),
    /** The built-in development provider: no network, returns the rendered prompt. */
    ECHO(false, false);

    private final boolean requiresBaseUrl;
    private final boolean requiresCredential;

    Provider(boolean requiresBaseUrl, boolean requiresCredential) {
        this.requiresBaseUrl = requiresBaseUrl;
        this.requiresCredential = requiresCredential;
    }

    public boolean requiresBaseUrl() {
        return requiresBaseUrl;
    }

    public boolean requiresCredential() {
        return requiresCredential;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Provider fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
