package dev.promptline.api.console;

import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.leaderboards.Benchmark;
import dev.promptline.api.leaderboards.BenchmarkService;
import dev.promptline.api.leaderboards.Direction;
import dev.promptline.api.leaderboards.LabelPolicy;
import dev.promptline.api.leaderboards.LabelPolicyService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.prompts.GateVerdict;
import dev.promptline.api.prompts.LabelGate;
import dev.promptline.api.prompts.LabelMove;
import dev.promptline.api.prompts.LabelSplit;
import dev.promptline.api.prompts.Prompt;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptVersion;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A prompt's labels as the prompt page shows them: where each points, the policy it must pass before it moves, and
 * how its last move was judged; and, on the move's confirmation, what the policy says about the move before anyone
 * presses the button. The verdict comes from the same {@link LabelGate} the move itself asks.
 */
@Component
class LabelPolicyViews {
    private final PromptService prompts;
    private final LabelPolicyService policies;
    private final BenchmarkService benchmarks;
    private final EvaluatorService evaluators;
    private final ObjectProvider<LabelGate> gate;

    LabelPolicyViews(
            PromptService prompts,
            LabelPolicyService policies,
            BenchmarkService benchmarks,
            EvaluatorService evaluators,
            ObjectProvider<LabelGate> gate) {
        this.prompts = prompts;
        this.policies = policies;
        this.benchmarks = benchmarks;
        this.evaluators = evaluators;
        this.gate = gate;
    }

    /** One row per label, and per policy on a label that points nowhere yet, by name. */
    List<ConsoleViews.LabelState> labels(Caller caller, Prompt prompt) {
        Map<String, LabelPolicy> byLabel = new TreeMap<>();
        policies.ofPrompt(caller.organizationId(), prompt.id()).forEach(policy -> byLabel.put(policy.label(), policy));
        var names = new TreeSet<>(prompt.labels().keySet());
        names.addAll(byLabel.keySet());
        return names.stream()
                .map(name -> {
                    LabelPolicy policy = byLabel.get(name);
                    LabelMove last = prompts.labelMoves(caller, prompt.id(), name, null, 1).items().stream()
                            .findFirst()
                            .orElse(null);
                    LabelSplit split = prompt.splits().get(name);
                    return new ConsoleViews.LabelState(
                            name,
                            prompt.labels().get(name),
                            split == null ? null : split(split),
                            policy == null ? null : policy(caller, policy),
                            last == null ? null : move(last),
                            last == null ? null : verdict(last));
                })
                .toList();
    }

    /** What the label's policy says about moving it from {@code current} to {@code candidate}; null without one. */
    ConsoleViews.@Nullable GateView check(
            Caller caller, Prompt prompt, String label, @Nullable PromptVersion current, PromptVersion candidate) {
        LabelGate policy = gate.getIfAvailable();
        if (policy == null) {
            return null;
        }
        GateVerdict verdict;
        try {
            verdict = policy.check(caller.organizationId(), prompt.id(), label, current, candidate);
        } catch (PromptlineException e) {
            if (e.code().status() >= 500) {
                throw e;
            }
            return new ConsoleViews.GateView(false, "The label's policy could not be checked: " + e.getMessage());
        }
        return switch (verdict) {
            case GateVerdict.NoPolicy none -> null;
            case GateVerdict.Passed passed ->
                new ConsoleViews.GateView(true, "It passes. " + figures(passed.figures()));
            case GateVerdict.Refused refused ->
                new ConsoleViews.GateView(false, refused.reason() + " " + figures(refused.figures()));
        };
    }

    private String policy(Caller caller, LabelPolicy policy) {
        Benchmark benchmark;
        try {
            benchmark = benchmarks.get(caller.organizationId(), policy.benchmarkId());
        } catch (PromptlineException gone) {
            return "Its benchmark no longer exists: every move is refused until the policy changes.";
        }
        String evaluator;
        try {
            evaluator = "'%s'"
                    .formatted(evaluators
                            .get(caller.organizationId(), new EvaluatorId(policy.evaluatorId()))
                            .name());
        } catch (PromptlineException gone) {
            evaluator = "a removed evaluator";
        }
        boolean higher = benchmark
                .metric(policy.evaluatorId())
                .map(metric -> metric.direction() == Direction.HIGHER)
                .orElse(true);
        String regression = policy.maxRegression() == 0
                ? "no worse than"
                : "at most %s %s".formatted(number(policy.maxRegression()), higher ? "below" : "above");
        return "A version needs a mean of %s on benchmark '%s' of %s %s (%s is better), and %s the version it replaces."
                .formatted(
                        evaluator,
                        benchmark.name(),
                        higher ? "at least" : "at most",
                        number(policy.threshold()),
                        higher ? "higher" : "lower",
                        regression);
    }

    /** A split's arms with each one's share of the traffic: "version 1 90%, version 2 10%". */
    static String split(LabelSplit split) {
        long total = split.totalWeight();
        return split.arms().stream()
                .map(arm -> "version %d %s%%"
                        .formatted(
                                arm.version(),
                                BigDecimal.valueOf(100.0 * arm.weight() / total)
                                        .round(new MathContext(3))
                                        .stripTrailingZeros()
                                        .toPlainString()))
                .collect(Collectors.joining(", "));
    }

    private static String move(LabelMove move) {
        if (move.kind() == LabelMove.Kind.SPLIT) {
            return "split between %s, %s.".formatted(arms(move.split()), Figures.time(move.movedAt()));
        }
        if (move.kind() == LabelMove.Kind.UNSPLIT) {
            return "split ended, %s.".formatted(Figures.time(move.movedAt()));
        }
        String change = move.toVersion() == null
                ? "removed (it pointed at version %d)".formatted(move.fromVersion())
                : move.fromVersion() == null
                        ? "set to version %d".formatted(move.toVersion())
                        : "moved from version %d to version %d".formatted(move.fromVersion(), move.toVersion());
        return "%s, %s.".formatted(change, Figures.time(move.movedAt()));
    }

    private static @Nullable String verdict(LabelMove move) {
        Map<String, Object> gate = move.gate();
        if (gate == null) {
            return null;
        }
        if (move.overrideReason() != null) {
            return "The policy refused it (%s) and an owner overrode it: %s"
                    .formatted(gate.getOrDefault("reason", "no reason kept"), move.overrideReason());
        }
        return "refused".equals(gate.get("verdict"))
                ? "The policy refused it: " + gate.getOrDefault("reason", "")
                : "The policy passed it. " + figures(gate);
    }

    private static String arms(@Nullable Map<String, Object> split) {
        if (split == null || !(split.get("arms") instanceof List<?> arms)) {
            return "its arms";
        }
        return arms.stream()
                .filter(Map.class::isInstance)
                .map(arm -> "version %s (weight %s)"
                        .formatted(((Map<?, ?>) arm).get("version"), ((Map<?, ?>) arm).get("weight")))
                .collect(Collectors.joining(", "));
    }

    /** The figures a verdict was reached on, as one sentence: the candidate's mean, and the baseline's when there is one. */
    static String figures(Map<String, Object> figures) {
        var words = new StringBuilder();
        if (figures.get("candidate") instanceof Map<?, ?> candidate) {
            words.append(side(candidate, ""));
        }
        if (figures.get("baseline") instanceof Map<?, ?> baseline) {
            words.append(' ').append(side(baseline, ", where the label pointed,"));
        }
        return words.toString().strip();
    }

    private static String side(Map<?, ?> side, String where) {
        return "Version %s%s scored a mean of %s (95%% CI %s to %s, %s scores)."
                .formatted(
                        side.get("version"),
                        where,
                        number(side.get("mean")),
                        number(side.get("ciLow")),
                        number(side.get("ciHigh")),
                        side.get("count"));
    }

    private static String number(@Nullable Object value) {
        return value instanceof Number number
                ? new BigDecimal(number.doubleValue())
                        .round(new MathContext(3))
                        .stripTrailingZeros()
                        .toPlainString()
                : "?";
    }
}
