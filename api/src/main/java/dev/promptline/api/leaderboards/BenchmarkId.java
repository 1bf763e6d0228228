package dev.promptline.api.leaderboards;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record BenchmarkId(UUID value) {
    public BenchmarkId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
