package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One call to a model: who serves it, which model, the messages, and how hard to try. Credentials never appear in
 * toString.
 *
 * @param baseUrl the provider's API root; null for the provider's default
 * @param credential the provider secret; null when none was given
 * @param maxAttempts attempts at the provider, counting the first; retries happen only before the first token
 * @param firstTokenTimeout longest wait for an attempt's first token; null for no bound but the deadline
 * @param idleTimeout longest wait between two tokens once the first came; null for no bound but the deadline
 * @param deadlineNanos {@link System#nanoTime()} at which the whole execution must end; null for none
 */
public record ModelCall(
        Provider provider,
        String modelName,
        @Nullable String baseUrl,
        @Nullable String credential,
        List<Message> messages,
        Sampling sampling,
        int maxAttempts,
        @Nullable Duration firstTokenTimeout,
        @Nullable Duration idleTimeout,
        @Nullable Long deadlineNanos) {
    public ModelCall {
        requireNonNull(provider, "provider is null");
        requireNonNull(modelName, "modelName is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
        requireNonNull(sampling, "sampling is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    /** Who serves a model. */
    public enum Provider {
        OPENAI,
        ANTHROPIC,
        HUGGINGFACE,
        CUSTOM,
        ECHO
    }

    /** One message of the prompt; role is system, user or assistant. */
    public record Message(String role, String content) {
        public Message {
            requireNonNull(role, "role is null");
            requireNonNull(content, "content is null");
        }
    }

    /** Sampling parameters; null means the provider's default. */
    public record Sampling(
            @Nullable Double temperature,
            @Nullable Double topP,
            @Nullable Integer maxTokens,
            List<String> stopSequences) {
        public static final Sampling DEFAULTS = new Sampling(null, null, null, List.of());

        public Sampling {
            stopSequences = List.copyOf(requireNonNull(stopSequences, "stopSequences is null"));
        }
    }

    /** Time left before the deadline, or null when there is none. */
    public @Nullable Duration timeLeft() {
        return deadlineNanos == null ? null : Duration.ofNanos(deadlineNanos - System.nanoTime());
    }

    @Override
    public String toString() {
        return "ModelCall[provider=%s, modelName=%s, baseUrl=%s, credential=%s, messages=%d]"
                .formatted(provider, modelName, baseUrl, credential == null ? "(none)" : "(hidden)", messages.size());
    }
}
