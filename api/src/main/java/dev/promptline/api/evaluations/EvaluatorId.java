package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

public record EvaluatorId(UUID value) {
    public EvaluatorId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
