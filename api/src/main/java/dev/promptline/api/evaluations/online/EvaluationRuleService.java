package dev.promptline.api.evaluations.online;

import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.platform.database.AfterCommit;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.prompts.Prompt;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Evaluation rules of an organization's prompts, checked before anything is written; and what they measured. */
@Service
class EvaluationRuleService {
    static final int MAX_EVALUATORS = 10;
    static final Duration MAX_RESULTS_RANGE = Duration.ofDays(366);

    private final EvaluationRuleRepository rules;
    private final PromptService prompts;
    private final EvaluatorService evaluators;
    private final RuleIndex index;

    EvaluationRuleService(
            EvaluationRuleRepository rules, PromptService prompts, EvaluatorService evaluators, RuleIndex index) {
        this.rules = rules;
        this.prompts = prompts;
        this.evaluators = evaluators;
        this.index = index;
    }

    /** What a rule says; the same for creating and replacing one. */
    record Draft(double samplingRate, @Nullable String label, List<UUID> evaluatorIds) {}

    @Transactional
    EvaluationRule create(Caller caller, PromptId promptId, Draft draft) {
        check(caller, prompt(caller, promptId), draft);
        UUID id = rules.insert(
                caller.organizationId(),
                promptId,
                draft.samplingRate(),
                draft.label(),
                caller.userId().value());
        rules.replaceEvaluators(caller.organizationId(), id, evaluatorIds(draft));
        refreshAfterCommit();
        return get(caller, id);
    }

    @Transactional
    EvaluationRule replace(Caller caller, UUID id, Draft draft) {
        EvaluationRule rule = get(caller, id);
        check(caller, prompt(caller, rule.promptId()), draft);
        rules.update(caller.organizationId(), id, draft.samplingRate(), draft.label());
        rules.replaceEvaluators(caller.organizationId(), id, evaluatorIds(draft));
        refreshAfterCommit();
        return get(caller, id);
    }

    @Transactional
    void delete(Caller caller, UUID id) {
        if (!rules.delete(caller.organizationId(), id)) {
            throw notFound(id);
        }
        refreshAfterCommit();
    }

    EvaluationRule get(Caller caller, UUID id) {
        return rules.find(caller.organizationId(), id).orElseThrow(() -> notFound(id));
    }

    List<EvaluationRule> list(Caller caller, PromptId promptId) {
        prompt(caller, promptId);
        return rules.forPrompt(caller.organizationId(), promptId);
    }

    List<EvaluationRuleRepository.DailyResult> results(Caller caller, PromptId promptId, Instant from, Instant to) {
        prompt(caller, promptId);
        if (!from.isBefore(to)) {
            throw PromptlineException.invalidField("#/from", "must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_RESULTS_RANGE) > 0) {
            throw PromptlineException.invalidField("#/to", "at most 366 days after from");
        }
        return rules.daily(caller.organizationId(), promptId, from, to);
    }

    private Prompt prompt(Caller caller, PromptId promptId) {
        return prompts.get(caller, promptId, new PromptService.Selector(null, null))
                .prompt();
    }

    private void check(Caller caller, Prompt prompt, Draft draft) {
        if (!(draft.samplingRate() >= 0 && draft.samplingRate() <= 1)) {
            throw PromptlineException.invalidField("#/samplingRate", "must be from 0 to 1");
        }
        if (draft.label() != null && !prompt.labels().containsKey(draft.label())) {
            throw PromptlineException.invalidField("#/label", "the prompt has no label '%s'".formatted(draft.label()));
        }
        if (draft.evaluatorIds().isEmpty() || draft.evaluatorIds().size() > MAX_EVALUATORS) {
            throw PromptlineException.invalidField(
                    "#/evaluatorIds", "must name 1 to %d evaluators".formatted(MAX_EVALUATORS));
        }
        var seen = new HashSet<UUID>();
        for (int i = 0; i < draft.evaluatorIds().size(); i++) {
            UUID evaluatorId = draft.evaluatorIds().get(i);
            if (!seen.add(evaluatorId)) {
                throw PromptlineException.invalidField("#/evaluatorIds/" + i, "names an evaluator twice");
            }
            try {
                evaluators.version(caller.organizationId(), new EvaluatorId(evaluatorId), null);
            } catch (PromptlineException e) {
                if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                    throw PromptlineException.invalidField(
                            "#/evaluatorIds/" + i, "is not an evaluator of this organization");
                }
                throw e;
            }
        }
    }

    private static List<EvaluatorId> evaluatorIds(Draft draft) {
        return draft.evaluatorIds().stream().map(EvaluatorId::new).toList();
    }

    /** This replica sees the change at once; the others at their next refresh. */
    private void refreshAfterCommit() {
        AfterCommit.run(index::refresh);
    }

    private static PromptlineException notFound(UUID id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No evaluation rule %s in this organization.".formatted(id));
    }
}
