package dev.promptline.api.executions;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which executions a list shows; every field is optional, and a version needs its prompt.
 *
 * @param fromExperiments true for the executions experiments ran, false for the others (live traffic)
 * @param experimentId the executions of one experiment
 * @param label the executions whose version was resolved through this label
 * @param splitId the executions one traffic split sent to its arms
 */
public record ExecutionFilter(
        @Nullable UUID promptId,
        @Nullable Integer version,
        @Nullable UUID modelId,
        @Nullable ExecutionStatus status,
        @Nullable Instant createdAfter,
        @Nullable Instant createdBefore,
        @Nullable Boolean fromExperiments,
        @Nullable UUID experimentId,
        @Nullable String label,
        @Nullable UUID splitId) {
    /** A filter on neither label nor split. */
    public ExecutionFilter(
            @Nullable UUID promptId,
            @Nullable Integer version,
            @Nullable UUID modelId,
            @Nullable ExecutionStatus status,
            @Nullable Instant createdAfter,
            @Nullable Instant createdBefore,
            @Nullable Boolean fromExperiments,
            @Nullable UUID experimentId) {
        this(
                promptId,
                version,
                modelId,
                status,
                createdAfter,
                createdBefore,
                fromExperiments,
                experimentId,
                null,
                null);
    }
}
