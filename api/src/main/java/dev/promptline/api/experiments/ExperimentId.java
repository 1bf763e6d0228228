package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** The id of an experiment. */
public record ExperimentId(UUID value) {
    public ExperimentId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
