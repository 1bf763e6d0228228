package dev.promptline.api.evaluations;

import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
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
