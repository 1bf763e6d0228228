package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One conclusion about one execution: a value given by an evaluator version ({@code evaluatorVersionId}) or by a
 * person or application through the API, or, from an evaluator only, the error that kept it from scoring.
 *
 * @param name the evaluator's name, or the name its giver chose ("helpfulness")
 * @param value null exactly when {@code error} is set (a {@link Verdict.Failed})
 * @param passed whether the value meets the evaluator's threshold; null when there is none
 * @param reasoning an evaluator's reasoning or a person's comment
 * @param createdBy the user who gave it through the API; null for an evaluator's score
 */
public record Score(
        UUID id,
        OrganizationId organizationId,
        UUID executionId,
        String name,
        @Nullable UUID evaluatorVersionId,
        @Nullable ScoreValue value,
        @Nullable Boolean passed,
        @Nullable String reasoning,
        @Nullable String error,
        @Nullable UUID createdBy,
        Instant createdAt) {
    public Score {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(executionId, "executionId is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        if ((value == null) == (error == null)) {
            throw new IllegalArgumentException("a score has a value or an error, not both and not neither");
        }
    }
}
