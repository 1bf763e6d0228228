package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One call to a model: who serves it, which model, and the messages. Credentials never appear in toString. */
public record ModelCall(
        Provider provider,
        String modelName,
        @Nullable String baseUrl,
        @Nullable String credential,
        List<Message> messages) {
    public ModelCall {
        requireNonNull(provider, "provider is null");
        requireNonNull(modelName, "modelName is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
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

    @Override
    public String toString() {
        return "ModelCall[provider=%s, modelName=%s, baseUrl=%s, credential=%s, messages=%d]"
                .formatted(provider, modelName, baseUrl, credential == null ? "(none)" : "(hidden)", messages.size());
    }
}
