package dev.promptline.api.experiments;

import dev.promptline.api.evaluations.Score;
import dev.promptline.api.evaluations.ScoreService;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * An experiment's figures, computed from its stored runs and their scores: the summary and the comparison of two
 * experiments. The unit of every interval and test is the dataset item: repetitions of an item are averaged first,
 * because they are not independent observations of the prompt's quality (docs/evaluations.md#summary-statistics).
 */
@Component
public class ExperimentFigures {
    private static final int ID_CHUNK = 1000;

    private final ScoreService scores;
    private final ExecutionService executions;
    private final ExperimentRepository experiments;

    ExperimentFigures(ScoreService scores, ExecutionService executions, ExperimentRepository experiments) {
        this.scores = scores;
        this.executions = executions;
        this.experiments = experiments;
    }

    /**
     * @param mean the mean of the items' means; null when nothing was scored as a number or a yes/no
     * @param standardDeviation sample standard deviation (n − 1) of the items' means; null below two items
     * @param confidenceInterval the Student t 95% interval of the mean over items; null below two items
     * @param count scores given (one per run scored)
     * @param items dataset items scored: the n of the interval
     * @param passRate the share of scores that passed, where the evaluator has a threshold
     * @param categories how often each category was given, for categorical evaluators
     * @param errors evaluator errors (recorded verdicts, not scores)
     */
    public record EvaluatorSummary(
            UUID evaluatorId,
            UUID evaluatorVersionId,
            String name,
            int version,
            String type,
            int count,
            int items,
            @Nullable Double mean,
            @Nullable Double standardDeviation,
            Statistics.@Nullable Interval confidenceInterval,
            @Nullable Double passRate,
            Map<String, Integer> categories,
            int errors) {}

    /**
     * @param latencyP50Ms nearest-rank percentiles of the latency of the runs whose execution ended
     */
    public record Summary(
            ExperimentId experimentId,
            ExperimentStatus status,
            Experiment.Counts runs,
            List<EvaluatorSummary> evaluators,
            @Nullable BigDecimal totalCostUsd,
            @Nullable Long latencyP50Ms,
            @Nullable Long latencyP95Ms,
            int runsFailed) {}

    /** One item's mean score (over its repetitions) in each experiment, and how it moved. */
    public record ItemDelta(
            UUID datasetItemId,
            int itemPosition,
            @Nullable Double baseline,
            @Nullable Double candidate,
            @Nullable Double difference,
            String change) {}

    /**
     * One evaluator compared: means over the items both experiments scored, the mean difference (candidate minus
     * baseline; higher is better) with its 95% interval, and the paired t-test's two-sided p-value.
     *
     * @param sameVersion whether both experiments scored with the same evaluator version; if not, the figures compare
     *     two different rules and say so
     */
    public record MetricComparison(
            UUID evaluatorId,
            String name,
            boolean sameVersion,
            int pairedItems,
            @Nullable Double baselineMean,
            @Nullable Double candidateMean,
            @Nullable Double meanDifference,
            Statistics.@Nullable Interval differenceInterval,
            @Nullable Double pValue,
            boolean significant,
            String test,
            int improvements,
            int regressions,
            int unchanged,
            List<ItemDelta> items) {}

    public record Comparison(
            ExperimentId baselineId,
            ExperimentId candidateId,
            UUID datasetVersionId,
            int datasetVersion,
            List<MetricComparison> evaluators) {}

    Summary summary(Experiment experiment) {
        List<ExperimentRun> runs = experiments.allRuns(experiment.organizationId(), experiment.id());
        Map<UUID, Map<UUID, Score>> scored = scoresByRun(experiment, runs);
        var summaries = new ArrayList<EvaluatorSummary>();
        for (PinnedEvaluator evaluator : experiment.evaluators()) {
            summaries.add(summarise(evaluator, runs, scored));
        }
        List<Long> latencies = runs.stream()
                .filter(run -> run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.FAILED)
                .map(ExperimentRun::latencyMs)
                .filter(Objects::nonNull)
                .map(Integer::longValue)
                .sorted()
                .toList();
        Experiment.Counts counts = experiment.counts();
        return new Summary(
                experiment.id(),
                experiment.status(),
                counts,
                summaries,
                experiment.costUsd(),
                Statistics.percentile(latencies, 50),
                Statistics.percentile(latencies, 95),
                counts.failed());
    }

    Comparison compare(Experiment baseline, Experiment candidate) {
        List<ExperimentRun> baselineRuns = experiments.allRuns(baseline.organizationId(), baseline.id());
        List<ExperimentRun> candidateRuns = experiments.allRuns(candidate.organizationId(), candidate.id());
        Map<UUID, Map<UUID, Score>> baselineScores = scoresByRun(baseline, baselineRuns);
        Map<UUID, Map<UUID, Score>> candidateScores = scoresByRun(candidate, candidateRuns);
        var metrics = new ArrayList<MetricComparison>();
        for (PinnedEvaluator before : baseline.evaluators()) {
            PinnedEvaluator after = candidate.evaluators().stream()
                    .filter(evaluator -> evaluator.evaluatorId().equals(before.evaluatorId()))
                    .findFirst()
                    .orElse(null);
            if (after == null) {
                continue;
            }
            metrics.add(compareOne(
                    before,
                    after,
                    positions(baselineRuns),
                    itemMeans(before, baselineRuns, baselineScores),
                    itemMeans(after, candidateRuns, candidateScores)));
        }
        return new Comparison(
                baseline.id(), candidate.id(), baseline.datasetVersionId(), baseline.datasetVersion(), metrics);
    }

    /** A page of runs with their executions and scores, for {@code GET …/runs}. */
    List<ExperimentService.RunView> withExecutions(OrganizationId organizationId, List<ExperimentRun> runs) {
        List<UUID> ids = runs.stream()
                .map(ExperimentRun::executionId)
                .filter(Objects::nonNull)
                .toList();
        Map<UUID, List<Score>> byExecution = new HashMap<>();
        for (Score score : scores.forExecutions(organizationId, ids)) {
            byExecution
                    .computeIfAbsent(score.executionId(), key -> new ArrayList<>())
                    .add(score);
        }
        var views = new ArrayList<ExperimentService.RunView>(runs.size());
        for (ExperimentRun run : runs) {
            Execution execution = null;
            if (run.executionId() != null) {
                try {
                    execution = executions.get(organizationId, run.executionId());
                } catch (PromptlineException e) {
                    if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                        throw e;
                    }
                }
            }
            views.add(new ExperimentService.RunView(
                    run,
                    execution,
                    run.executionId() == null ? List.of() : byExecution.getOrDefault(run.executionId(), List.of())));
        }
        return views;
    }

    /** Per run, its latest execution's scores by the evaluator version that gave them. */
    private Map<UUID, Map<UUID, Score>> scoresByRun(Experiment experiment, List<ExperimentRun> runs) {
        Map<UUID, UUID> runOfExecution = new HashMap<>();
        for (ExperimentRun run : runs) {
            if (run.status() == RunStatus.SUCCEEDED && run.executionId() != null) {
                runOfExecution.put(run.executionId(), run.id());
            }
        }
        List<UUID> ids = new ArrayList<>(runOfExecution.keySet());
        Map<UUID, Map<UUID, Score>> byRun = new HashMap<>();
        for (int from = 0; from < ids.size(); from += ID_CHUNK) {
            for (Score score : scores.forExecutions(
                    experiment.organizationId(), ids.subList(from, Math.min(ids.size(), from + ID_CHUNK)))) {
                if (score.evaluatorVersionId() != null) {
                    byRun.computeIfAbsent(runOfExecution.get(score.executionId()), key -> new HashMap<>())
                            .put(score.evaluatorVersionId(), score);
                }
            }
        }
        return byRun;
    }

    private static EvaluatorSummary summarise(
            PinnedEvaluator evaluator, List<ExperimentRun> runs, Map<UUID, Map<UUID, Score>> scored) {
        int count = 0;
        int errors = 0;
        int judged = 0;
        int passed = 0;
        Map<String, Integer> categories = new TreeMap<>();
        for (ExperimentRun run : runs) {
            Score score = scored.getOrDefault(run.id(), Map.of()).get(evaluator.evaluatorVersionId());
            if (score == null) {
                continue;
            }
            if (score.error() != null) {
                errors++;
                continue;
            }
            count++;
            if (score.passed() != null) {
                judged++;
                passed += score.passed() ? 1 : 0;
            }
            if (score.value() instanceof ScoreValue.Category category) {
                categories.merge(category.value(), 1, Integer::sum);
            }
        }
        Map<UUID, Double> means = itemMeans(evaluator, runs, scored);
        Statistics.Description description = Statistics.describe(new ArrayList<>(means.values()));
        return new EvaluatorSummary(
                evaluator.evaluatorId(),
                evaluator.evaluatorVersionId(),
                evaluator.name(),
                evaluator.version(),
                evaluator.type(),
                count,
                means.size(),
                description == null ? null : description.mean(),
                description == null ? null : description.standardDeviation(),
                description == null ? null : description.confidenceInterval(),
                judged == 0 ? null : (double) passed / judged,
                categories,
                errors);
    }

    /**
     * Each item's mean numeric score (a yes/no counts as 1 or 0) over its repetitions, in item order; items with no
     * such score are left out.
     */
    private static Map<UUID, Double> itemMeans(
            PinnedEvaluator evaluator, List<ExperimentRun> runs, Map<UUID, Map<UUID, Score>> scored) {
        Map<UUID, double[]> sums = new LinkedHashMap<>();
        for (ExperimentRun run : runs) {
            Score score = scored.getOrDefault(run.id(), Map.of()).get(evaluator.evaluatorVersionId());
            Double value = score == null ? null : numeric(score.value());
            if (value != null) {
                double[] sum = sums.computeIfAbsent(run.datasetItemId(), key -> new double[2]);
                sum[0] += value;
                sum[1]++;
            }
        }
        Map<UUID, Double> means = new LinkedHashMap<>();
        sums.forEach((item, sum) -> means.put(item, sum[0] / sum[1]));
        return means;
    }

    private static @Nullable Double numeric(@Nullable ScoreValue value) {
        return switch (value) {
            case ScoreValue.Numeric numeric -> numeric.value();
            case ScoreValue.Bool bool -> bool.value() ? 1.0 : 0.0;
            case ScoreValue.Category category -> null;
            case null -> null;
        };
    }

    private static Map<UUID, Integer> positions(List<ExperimentRun> runs) {
        Map<UUID, Integer> positions = new HashMap<>();
        runs.forEach(run -> positions.put(run.datasetItemId(), run.itemPosition()));
        return positions;
    }

    private static MetricComparison compareOne(
            PinnedEvaluator before,
            PinnedEvaluator after,
            Map<UUID, Integer> positions,
            Map<UUID, Double> baseline,
            Map<UUID, Double> candidate) {
        var items = new ArrayList<ItemDelta>();
        var paired = new ArrayList<double[]>();
        int improvements = 0;
        int regressions = 0;
        int unchanged = 0;
        var allItems = new java.util.TreeSet<UUID>(
                java.util.Comparator.comparing((UUID item) -> positions.getOrDefault(item, Integer.MAX_VALUE))
                        .thenComparing(item -> item));
        allItems.addAll(baseline.keySet());
        allItems.addAll(candidate.keySet());
        for (UUID item : allItems) {
            int position = positions.getOrDefault(item, 0);
            Double b = baseline.get(item);
            Double c = candidate.get(item);
            Double difference = b == null || c == null ? null : c - b;
            String change;
            if (difference == null) {
                change = "unpaired";
            } else if (difference > 1e-12) {
                change = "improved";
                improvements++;
            } else if (difference < -1e-12) {
                change = "regressed";
                regressions++;
            } else {
                change = "unchanged";
                unchanged++;
            }
            if (difference != null) {
                paired.add(new double[] {b, c});
            }
            items.add(new ItemDelta(item, position, b, c, difference, change));
        }
        double[] x = paired.stream().mapToDouble(pair -> pair[0]).toArray();
        double[] y = paired.stream().mapToDouble(pair -> pair[1]).toArray();
        Statistics.Description differences = Statistics.describe(
                paired.stream().map(pair -> pair[1] - pair[0]).toList());
        Double p = Statistics.pairedPValue(x, y);
        return new MetricComparison(
                before.evaluatorId(),
                after.name(),
                before.evaluatorVersionId().equals(after.evaluatorVersionId()),
                paired.size(),
                x.length == 0 ? null : mean(x),
                y.length == 0 ? null : mean(y),
                differences == null ? null : differences.mean(),
                differences == null ? null : differences.confidenceInterval(),
                p,
                p != null && p < Statistics.SIGNIFICANCE,
                "paired t-test over items (two-sided, α = 0.05)",
                improvements,
                regressions,
                unchanged,
                items);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
