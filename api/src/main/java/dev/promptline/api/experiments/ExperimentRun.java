package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One run of an experiment: a dataset item at one repetition, and the execution of its latest attempt.
 *
 * @param itemPosition the item's position in the pinned dataset version, from 1
 * @param attempts executions started for it in this round (a 429 or a lost replica makes another)
 */
public record ExperimentRun(
        UUID id,
        ExperimentId experimentId,
        UUID datasetItemId,
        int itemPosition,
        int repetition,
        RunStatus status,
        @Nullable UUID executionId,
        @Nullable String errorCode,
        @Nullable String errorMessage,
        int attempts,
        @Nullable Integer latencyMs,
        @Nullable BigDecimal costUsd,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {
    public ExperimentRun {
        requireNonNull(id, "id is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(datasetItemId, "datasetItemId is null");
        requireNonNull(status, "status is null");
    }
}
