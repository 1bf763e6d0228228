package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An experiment as stored: what it runs (all resolved and pinned at creation), how, and where it is. The run counts
 * are read from its runs while it is unfinished and kept on the row once it ends.
 *
 * @param promptLabel the label it was asked to run by, if any; {@code promptVersion} is what that label pointed at
 * @param modelId the model it runs on: the one asked for, else the version's
 */
public record Experiment(
        ExperimentId id,
        OrganizationId organizationId,
        String name,
        @Nullable UUID promptId,
        @Nullable UUID promptVersionId,
        int promptVersion,
        @Nullable String promptLabel,
        @Nullable UUID modelId,
        UUID datasetId,
        UUID datasetVersionId,
        int datasetVersion,
        List<PinnedEvaluator> evaluators,
        int repetitions,
        int concurrency,
        ExperimentStatus status,
        Counts counts,
        @Nullable BigDecimal costUsd,
        @Nullable String errorMessage,
        @Nullable UUID createdBy,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {
    /** How many runs are where. */
    public record Counts(int total, int queued, int running, int succeeded, int failed, int cancelled) {
        public int finished() {
            return succeeded + failed + cancelled;
        }
    }

    public Experiment {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(datasetVersionId, "datasetVersionId is null");
        evaluators = List.copyOf(evaluators);
        requireNonNull(status, "status is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    Experiment withCounts(Counts counts, @Nullable BigDecimal costUsd) {
        return new Experiment(
                id,
                organizationId,
                name,
                promptId,
                promptVersionId,
                promptVersion,
                promptLabel,
                modelId,
                datasetId,
                datasetVersionId,
                datasetVersion,
                evaluators,
                repetitions,
                concurrency,
                status,
                counts,
                costUsd,
                errorMessage,
                createdBy,
                createdAt,
                startedAt,
                finishedAt);
    }
}
