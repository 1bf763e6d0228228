package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record PromptId(UUID value) {
    public PromptId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
