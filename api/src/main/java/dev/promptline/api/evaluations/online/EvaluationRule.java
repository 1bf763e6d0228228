package dev.promptline.api.evaluations.online;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Scores a share of a prompt's production executions with some evaluators.
 *
 * @param samplingRate the share scored, from 0 (none) to 1 (all)
 * @param label only executions of the version this label points at when they finish; null for every version
 * @param evaluatorIds the evaluators, at their newest version when an execution is scored, in order
 */
record EvaluationRule(
        UUID id,
        OrganizationId organizationId,
        PromptId promptId,
        double samplingRate,
        @Nullable String label,
        List<EvaluatorId> evaluatorIds,
        @Nullable UUID createdBy,
        Instant createdAt,
        Instant updatedAt) {
    EvaluationRule {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(promptId, "promptId is null");
        if (!(samplingRate >= 0 && samplingRate <= 1)) {
            throw new IllegalArgumentException("samplingRate is within [0, 1]: " + samplingRate);
        }
        evaluatorIds = List.copyOf(requireNonNull(evaluatorIds, "evaluatorIds is null"));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
