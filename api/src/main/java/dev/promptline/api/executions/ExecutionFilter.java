package dev.promptline.api.executions;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which executions a list shows; every field is optional, and a version needs its prompt.
 *
 * @param fromExperiments true for the executions experiments ran, false for the others (live traffic)
 * @param experimentId the executions of one experiment
 */
public record ExecutionFilter(
        @Nullable UUID promptId,
        @Nullable Integer version,
        @Nullable UUID modelId,
        @Nullable ExecutionStatus status,
        @Nullable Instant createdAfter,
        @Nullable Instant createdBefore,
        @Nullable Boolean fromExperiments,
        @Nullable UUID experimentId) {}
