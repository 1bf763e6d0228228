package dev.promptline.api.platform.tenancy;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record UserId(UUID value) {
    public UserId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
