package dev.promptline.api.evaluations;

import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Scores of executions: what evaluators concluded ({@link #record}, from experiments and online evaluation) and what
 * people and applications add through the API. The module's API for experiments and leaderboards.
 */
@Service
public class ScoreService {
    /** The longest comment, reasoning or evaluator error kept; a longer one is cut, with a mark. */
    static final int MAX_TEXT_LENGTH = 10_000;

    static final int MAX_CATEGORY_LENGTH = 255;

    private final ScoreRepository scores;
    private final ExecutionService executions;

    ScoreService(ScoreRepository scores, ExecutionService executions) {
        this.scores = scores;
        this.executions = executions;
    }

    /**
     * Stores what an evaluator concluded about an execution: its score, or the evaluator error that kept it from
     * scoring (a {@link Verdict.Failed}, never a score of zero). The execution must be the organization's.
     */
    @Transactional
    public Score record(
            OrganizationId organizationId, UUID executionId, ConfiguredEvaluator evaluator, Verdict verdict) {
        ScoreRepository.Draft draft = switch (verdict) {
            case Verdict.Scored scored
            when scored.value() instanceof ScoreValue.Category category
                    && category.value().length() > MAX_CATEGORY_LENGTH ->
                new ScoreRepository.Draft(
                        evaluator.name(),
                        evaluator.evaluatorVersionId(),
                        null,
                        null,
                        null,
                        "the evaluator answered a category longer than %d characters".formatted(MAX_CATEGORY_LENGTH),
                        null);
            case Verdict.Scored scored ->
                new ScoreRepository.Draft(
                        evaluator.name(),
                        evaluator.evaluatorVersionId(),
                        storable(scored.value()),
                        scored.passed(),
                        text(scored.reasoning()),
                        null,
                        null);
            case Verdict.Failed failed ->
                new ScoreRepository.Draft(
                        evaluator.name(),
                        evaluator.evaluatorVersionId(),
                        null,
                        null,
                        null,
                        text(failed.reason().isBlank() ? "the evaluator gave no reason" : failed.reason()),
                        null);
        };
        return scores.insert(organizationId, executionId, draft);
    }

    /** The scores of those executions of the organization, by execution, each execution's in the order given. */
    public List<Score> forExecutions(OrganizationId organizationId, Collection<UUID> executionIds) {
        return scores.listForExecutions(organizationId, executionIds).stream()
                .map(ScoreRepository.Attributed::score)
                .toList();
    }

    /** A score a person or application gives an execution of their organization (404 for any other). */
    @Transactional
    Score add(Caller caller, UUID executionId, String name, ScoreValue value, @Nullable String comment) {
        executions.get(caller.organizationId(), executionId);
        return scores.insert(
                caller.organizationId(),
                executionId,
                new ScoreRepository.Draft(name, null, value, null, comment, null, caller.userId()));
    }

    /** An execution's scores in the order they were given, paged (404 for another organization's execution). */
    Page<ScoreRepository.Attributed> list(
            OrganizationId organizationId, UUID executionId, @Nullable String pageToken, @Nullable Integer pageSize) {
        executions.get(organizationId, executionId);
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                scores.listForExecution(organizationId, executionId, Cursor.decode(pageToken), size + 1),
                size,
                given -> new Cursor(given.score().createdAt(), given.score().id()));
    }

    /** One score of an execution of the organization; a 404 for any other, or for a score of another execution. */
    ScoreRepository.Attributed get(OrganizationId organizationId, UUID executionId, UUID scoreId) {
        return scores.find(organizationId, executionId, scoreId).orElseThrow(() -> notFound(scoreId));
    }

    /**
     * Deletes a score given through the API: its giver may, and so may the organization's owners and admins. A score an
     * evaluator gave cannot be deleted alone (409): it is part of an experiment's results and of what online evaluation
     * aggregates; deleting the evaluator deletes every score it gave.
     */
    @Transactional
    void delete(Caller caller, UUID executionId, UUID scoreId) {
        Score score = get(caller.organizationId(), executionId, scoreId).score();
        if (score.evaluatorVersionId() != null) {
            throw new PromptlineException(
                    ErrorCode.CONFLICT,
                    "Score %s was given by an evaluator; it is part of the results that evaluator version gave, and"
                                    .formatted(scoreId)
                            + " goes only with the evaluator (DELETE /api/v1/evaluators/{id}).");
        }
        boolean giver = caller.userId().value().equals(score.createdBy());
        if (!giver && !caller.role().isAtLeast(Role.ADMIN)) {
            throw new PromptlineException(
                    ErrorCode.FORBIDDEN, "Only the score's giver, an owner or an admin may delete it.");
        }
        scores.delete(caller.organizationId(), executionId, scoreId);
    }

    private static PromptlineException notFound(UUID scoreId) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No score %s on this execution in this organization.".formatted(scoreId));
    }

    /** The first scores of an execution known to exist, for its record. */
    List<ScoreRepository.Attributed> first(OrganizationId organizationId, UUID executionId, int limit) {
        return scores.listForExecution(organizationId, executionId, null, limit);
    }

    private static ScoreValue storable(ScoreValue value) {
        return value instanceof ScoreValue.Category category
                ? new ScoreValue.Category(category.value().replace('\0', '\uFFFD'))
                : value;
    }

    /** Text an evaluator wrote, made storable: PostgreSQL text holds no NUL, and the length is bounded. */
    static @Nullable String text(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replace('\0', '\uFFFD');
        return clean.length() <= MAX_TEXT_LENGTH ? clean : clean.substring(0, MAX_TEXT_LENGTH - 1) + "…";
    }
}
