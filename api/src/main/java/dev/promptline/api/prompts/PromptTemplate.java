package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What a version says: one text, or chat messages with roles. Both may hold Mustache {@code {{variables}}}. */
public sealed interface PromptTemplate {
    String format();

    record Text(String text) implements PromptTemplate {
        public Text {
            requireNonNull(text, "text is null");
        }

        @Override
        public String format() {
            return "text";
        }
    }

    record Chat(List<ChatMessage> messages) implements PromptTemplate {
        public Chat {
            messages = List.copyOf(requireNonNull(messages, "messages is null"));
        }

        @Override
        public String format() {
            return "chat";
        }
    }
}
