package dev.promptline.api.evaluations;

import dev.promptline.api.executions.ExecutionScores;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Gives the single-execution read its scores (executions asks through {@link ExecutionScores}). */
@Component
class ScoresOnExecutions implements ExecutionScores {
    private final ScoreService scores;

    ScoresOnExecutions(ScoreService scores) {
        this.scores = scores;
    }

    @Override
    public List<ScoreResponse> of(OrganizationId organizationId, UUID executionId) {
        return scores.first(organizationId, executionId, MAX_SHOWN).stream()
                .map(ScoreResponse::from)
                .toList();
    }
}
