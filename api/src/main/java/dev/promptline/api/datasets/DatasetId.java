package dev.promptline.api.datasets;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record DatasetId(UUID value) {
    public DatasetId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
