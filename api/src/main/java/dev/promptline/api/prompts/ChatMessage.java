package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

/** One message of a chat: its role ({@code system}, {@code user}, {@code assistant}) and its content. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        requireNonNull(role, "role is null");
        requireNonNull(content, "content is null");
    }
}
