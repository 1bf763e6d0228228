package dev.promptline.api.evaluations.online;

import dev.promptline.api.evaluations.ConfiguredEvaluator;
import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.evaluations.ScoreService;
import dev.promptline.api.evaluations.Subject;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionFinished;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Hears every finished execution and, for the successful production ones of a prompt with rules, draws a sample and
 * queues the scoring: all on the finishing thread, with no I/O (the rules are in memory, the queue never blocks). The
 * scoring itself runs on the {@link ScoringQueue}'s virtual threads, with each sampled rule's evaluators at their
 * newest version, and stores through {@link ScoreService#record}.
 *
 * <p>Production means started by an API request: executions the service starts itself (an experiment's items, an LLM
 * judge's rubric) are not sampled; experiments score their own, and a judge's run being judged by a rule on its
 * rubric prompt would never end.
 */
@Component
class OnlineEvaluations {
    private static final Logger log = LoggerFactory.getLogger(OnlineEvaluations.class);

    private final RuleIndex rules;
    private final ScoringQueue queue;
    private final EvaluatorService evaluators;
    private final ScoreService scores;
    private final PromptService prompts;
    private final DoubleSupplier random;

    OnlineEvaluations(
            RuleIndex rules,
            ScoringQueue queue,
            EvaluatorService evaluators,
            ScoreService scores,
            PromptService prompts) {
        this.rules = rules;
        this.queue = queue;
        this.evaluators = evaluators;
        this.scores = scores;
        this.prompts = prompts;
        this.random = () -> ThreadLocalRandom.current().nextDouble();
    }

    @EventListener
    void on(ExecutionFinished finished) {
        Execution execution = finished.execution();
        if (execution.status() != ExecutionStatus.SUCCEEDED
                || execution.promptId() == null
                || execution.requestId() == null) {
            return;
        }
        List<EvaluationRule> candidates =
                rules.forPrompt(execution.organizationId(), new PromptId(execution.promptId()));
        if (candidates.isEmpty()) {
            return;
        }
        List<EvaluationRule> sampled = candidates.stream()
                .filter(rule -> random.getAsDouble() < rule.samplingRate())
                .toList();
        if (!sampled.isEmpty()) {
            queue.offer(() -> score(execution, sampled));
        }
    }

    private void score(Execution execution, List<EvaluationRule> sampled) {
        Map<EvaluatorId, EvaluationRule> evaluatorIds = new LinkedHashMap<>();
        for (EvaluationRule rule : sampled) {
            if (rule.label() == null || labelPointsAt(execution, rule.label())) {
                rule.evaluatorIds().forEach(id -> evaluatorIds.putIfAbsent(id, rule));
            }
        }
        Subject subject = new Subject(
                execution.input().variables(),
                null,
                execution.output(),
                execution.latencyMs() == null ? null : Duration.ofMillis(execution.latencyMs()),
                execution.costUsd());
        for (EvaluatorId id : evaluatorIds.keySet()) {
            ConfiguredEvaluator evaluator;
            try {
                evaluator = evaluators.configured(execution.organizationId(), id, null);
            } catch (PromptlineException e) {
                // Deleted since the rule was read, or no longer able to run (a judge whose rubric is gone).
                log.debug("Online evaluation skips evaluator {}: {}", id.value(), e.getMessage());
                continue;
            }
            scores.record(
                    execution.organizationId(),
                    execution.id(),
                    evaluator,
                    evaluator.scorer().score(subject));
        }
    }

    /**
     * Whether the execution ran for the label: it resolved the label (whichever arm of the label's traffic split it
     * ran), or the label points, now, at the version it ran.
     */
    private boolean labelPointsAt(Execution execution, String label) {
        if (label.equals(execution.promptLabel())) {
            return true;
        }
        try {
            var prompt = prompts.get(
                            execution.organizationId(),
                            new PromptId(Objects.requireNonNull(execution.promptId())),
                            new PromptService.Selector(null, null))
                    .prompt();
            Integer version = prompt.labels().get(label);
            return version != null && version.equals(execution.promptVersion());
        } catch (PromptlineException e) {
            return false; // the prompt is gone
        }
    }
}
