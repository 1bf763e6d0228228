package dev.promptline.api.leaderboards;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A prompt version x model on a benchmark: the figures of the newest finished experiment that ran it there.
 *
 * @param metrics evaluator id to that evaluator's figures
 */
public record LeaderboardEntry(
        UUID promptId,
        UUID promptVersionId,
        int promptVersion,
        UUID modelId,
        UUID experimentId,
        Map<UUID, MetricFigures> metrics,
        int items,
        @Nullable BigDecimal costPerItemUsd,
        @Nullable Integer latencyP50Ms,
        @Nullable Integer latencyP95Ms,
        Instant finishedAt) {
    public LeaderboardEntry {
        requireNonNull(promptId, "promptId is null");
        requireNonNull(promptVersionId, "promptVersionId is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(experimentId, "experimentId is null");
        metrics = Map.copyOf(metrics);
        requireNonNull(finishedAt, "finishedAt is null");
    }

    /** The member of the leaderboard's sorted set: one per prompt version x model. */
    String member() {
        return promptVersionId + ":" + modelId;
    }

    /** Whether any of the benchmark's evaluators scored this entry at another version than the benchmark pins. */
    boolean staleFor(Benchmark benchmark) {
        return benchmark.metrics().stream().anyMatch(metric -> {
            MetricFigures figures = metrics.get(metric.evaluatorId());
            return figures == null || figures.evaluatorVersion() != metric.evaluatorVersion();
        });
    }
}
