package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** An evaluator version an experiment scores with, resolved when the experiment was created. */
public record PinnedEvaluator(UUID evaluatorId, UUID evaluatorVersionId, String name, int version, String type) {
    public PinnedEvaluator {
        requireNonNull(evaluatorId, "evaluatorId is null");
        requireNonNull(evaluatorVersionId, "evaluatorVersionId is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
