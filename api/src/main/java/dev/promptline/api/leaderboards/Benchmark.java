package dev.promptline.api.leaderboards;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A dataset version plus evaluators pinned at versions: what every prompt version x model on its leaderboard was
 * measured on.
 *
 * @param rankBy the evaluator whose mean ranks the leaderboard by default; one of {@code metrics}
 */
public record Benchmark(
        BenchmarkId id,
        OrganizationId organizationId,
        String name,
        String description,
        DatasetId datasetId,
        int datasetVersion,
        List<Metric> metrics,
        UUID rankBy,
        Instant createdAt) {
    public Benchmark {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(datasetId, "datasetId is null");
        metrics = List.copyOf(metrics);
        requireNonNull(rankBy, "rankBy is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    /** An evaluator of the benchmark, at the version it pins, and the direction that is better. */
    public record Metric(UUID evaluatorId, int evaluatorVersion, Direction direction) {
        public Metric {
            requireNonNull(evaluatorId, "evaluatorId is null");
            requireNonNull(direction, "direction is null");
        }
    }

    public Optional<Metric> metric(UUID evaluatorId) {
        return metrics.stream().filter(m -> m.evaluatorId().equals(evaluatorId)).findFirst();
    }
}
