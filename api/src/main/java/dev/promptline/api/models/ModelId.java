package dev.promptline.api.models;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record ModelId(UUID value) {
    public ModelId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
