package dev.promptline.api.evaluations;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A score as the API shows it. {@code kind} is {@code numeric} (a {@code value} within {@code [min, max]}),
 * {@code boolean} or {@code categorical} (a text {@code value}); kind and value are absent exactly when {@code error}
 * says why the evaluator could not score.
 *
 * @param evaluator the evaluator version that gave it; absent for a score given through the API
 * @param createdBy the user whose key gave it through the API; absent for an evaluator's score
 */
record ScoreResponse(
        UUID id,
        UUID executionId,
        String name,
        @Nullable String kind,
        @Nullable Object value,
        @Nullable Double min,
        @Nullable Double max,
        @Nullable Boolean passed,
        @Nullable String comment,
        @Nullable String error,
        @Nullable EvaluatorReference evaluator,
        @Nullable UUID createdBy,
        Instant createdAt) {

    /** @param versionId what the score pins; {@code version} is its number */
    record EvaluatorReference(UUID id, int version, UUID versionId) {}

    static ScoreResponse from(ScoreRepository.Attributed given) {
        Score score = given.score();
        ScoreValue value = score.value();
        UUID versionId = score.evaluatorVersionId();
        return new ScoreResponse(
                score.id(),
                score.executionId(),
                score.name(),
                value == null ? null : ScoreRepository.kind(value),
                value == null ? null : plain(value),
                value instanceof ScoreValue.Numeric numeric ? numeric.min() : null,
                value instanceof ScoreValue.Numeric numeric ? numeric.max() : null,
                score.passed(),
                score.reasoning(),
                score.error(),
                versionId == null || given.evaluatorId() == null || given.evaluatorVersion() == null
                        ? null
                        : new EvaluatorReference(given.evaluatorId().value(), given.evaluatorVersion(), versionId),
                score.createdBy(),
                score.createdAt());
    }

    /** The value as JSON writes it: a number, true or false, or text. */
    static Object plain(ScoreValue value) {
        return switch (value) {
            case ScoreValue.Numeric numeric -> numeric.value();
            case ScoreValue.Bool bool -> bool.value();
            case ScoreValue.Category category -> category.value();
        };
    }
}
