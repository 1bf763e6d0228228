package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * An evaluator at one version, its configuration checked and turned into a {@link Scorer}: what an experiment scores
 * its items with, and what {@link ScoreService#record} says gave a score.
 */
public record ConfiguredEvaluator(
        EvaluatorId evaluatorId, UUID evaluatorVersionId, String name, int version, String type, Scorer scorer) {
    public ConfiguredEvaluator {
        requireNonNull(evaluatorId, "evaluatorId is null");
        requireNonNull(evaluatorVersionId, "evaluatorVersionId is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(scorer, "scorer is null");
    }
}
