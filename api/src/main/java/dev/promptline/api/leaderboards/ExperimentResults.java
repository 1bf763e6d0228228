package dev.promptline.api.leaderboards;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.experiments.Experiment;
import dev.promptline.api.experiments.ExperimentEnded;
import dev.promptline.api.experiments.ExperimentFigures;
import dev.promptline.api.experiments.ExperimentService;
import dev.promptline.api.experiments.ExperimentStatus;
import dev.promptline.api.experiments.PinnedEvaluator;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns completed experiments into leaderboard entries: each one that ran on a benchmark's dataset version and scored
 * with all of its evaluators becomes the entry of its prompt version x model. Done when an experiment ends, and again
 * (idempotently) when a benchmark is created or its board is read from PostgreSQL, so an entry missed while a replica
 * stopped between the two is made up on the next read.
 */
@Component
class ExperimentResults {
    private static final Logger log = LoggerFactory.getLogger(ExperimentResults.class);

    private final ExperimentService experiments;
    private final BenchmarkService benchmarks;

    ExperimentResults(ExperimentService experiments, BenchmarkService benchmarks) {
        this.experiments = experiments;
        this.benchmarks = benchmarks;
    }

    @EventListener
    void on(ExperimentEnded ended) {
        if (ended.status() != ExperimentStatus.COMPLETED) {
            return;
        }
        try {
            Experiment experiment = experiments.get(ended.organizationId(), ended.experimentId());
            for (Benchmark benchmark : benchmarks.onDatasetVersion(
                    experiment.organizationId(), new DatasetId(experiment.datasetId()), experiment.datasetVersion())) {
                entry(experiment, benchmark)
                        .ifPresent(entry -> benchmarks.record(experiment.organizationId(), benchmark, entry));
            }
        } catch (RuntimeException e) {
            // The experiment ended regardless; the next read of the board from PostgreSQL makes the entry up.
            log.warn("Leaderboard entries of experiment {} not written yet: {}", ended.experimentId(), e.getMessage());
        }
    }

    /** Records every completed experiment on the benchmark that its board does not hold yet. */
    void backfill(OrganizationId organizationId, Benchmark benchmark) {
        Map<String, Instant> held = new HashMap<>();
        for (var entry : benchmarks.storedEntries(organizationId, benchmark.id())) {
            held.put(entry.member(), entry.finishedAt());
        }
        for (Experiment experiment :
                experiments.completedOn(organizationId, benchmark.datasetId().value(), benchmark.datasetVersion())) {
            if (experiment.promptVersionId() == null
                    || experiment.modelId() == null
                    || experiment.finishedAt() == null) {
                continue;
            }
            Instant known = held.get(experiment.promptVersionId() + ":" + experiment.modelId());
            if (known != null && !known.isBefore(experiment.finishedAt())) {
                continue;
            }
            entry(experiment, benchmark).ifPresent(entry -> benchmarks.record(organizationId, benchmark, entry));
        }
    }

    /** The experiment's entry on the benchmark, if it scored with every one of the benchmark's evaluators. */
    private Optional<LeaderboardEntry> entry(Experiment experiment, Benchmark benchmark) {
        if (experiment.promptId() == null
                || experiment.promptVersionId() == null
                || experiment.modelId() == null
                || experiment.finishedAt() == null) {
            return Optional.empty(); // its prompt version or model was deleted: nothing to rank
        }
        Map<UUID, PinnedEvaluator> pinned = new HashMap<>();
        experiment.evaluators().forEach(evaluator -> pinned.put(evaluator.evaluatorId(), evaluator));
        if (!benchmark.metrics().stream().allMatch(metric -> pinned.containsKey(metric.evaluatorId()))) {
            return Optional.empty();
        }
        ExperimentFigures.Summary summary = experiments.summary(experiment.organizationId(), experiment.id());
        Map<UUID, MetricFigures> metrics = new HashMap<>();
        for (var evaluator : summary.evaluators()) {
            if (benchmark.metric(evaluator.evaluatorId()).isEmpty() || evaluator.mean() == null) {
                continue;
            }
            var interval = evaluator.confidenceInterval();
            metrics.put(
                    evaluator.evaluatorId(),
                    new MetricFigures(
                            evaluator.version(),
                            evaluator.mean(),
                            evaluator.standardDeviation() == null ? 0 : evaluator.standardDeviation(),
                            interval == null ? evaluator.mean() : interval.low(),
                            interval == null ? evaluator.mean() : interval.high(),
                            evaluator.items(),
                            evaluator.passRate(),
                            evaluator.errors()));
        }
        int items = summary.runs().succeeded();
        BigDecimal costPerItem = summary.totalCostUsd() == null || items == 0
                ? null
                : summary.totalCostUsd().divide(BigDecimal.valueOf(items), 10, RoundingMode.HALF_UP);
        return Optional.of(new LeaderboardEntry(
                experiment.promptId(),
                experiment.promptVersionId(),
                experiment.promptVersion(),
                experiment.modelId(),
                experiment.id().value(),
                metrics,
                items,
                costPerItem,
                summary.latencyP50Ms() == null ? null : summary.latencyP50Ms().intValue(),
                summary.latencyP95Ms() == null ? null : summary.latencyP95Ms().intValue(),
                experiment.finishedAt()));
    }
}
