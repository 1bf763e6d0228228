package dev.promptline.api.datasets;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.UserId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An immutable version of a dataset, numbered 1, 2, 3, ... per dataset: how many items it holds, what changed from
 * the version before ({@code changeNote}, such as "added 3 items"), who made it and when. The id is what an experiment
 * pins.
 */
public record DatasetVersion(
        UUID id,
        DatasetId datasetId,
        int version,
        int itemCount,
        String changeNote,
        @Nullable UserId createdBy,
        Instant createdAt) {
    public DatasetVersion {
        requireNonNull(id, "id is null");
        requireNonNull(datasetId, "datasetId is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        if (itemCount < 0) {
            throw new IllegalArgumentException("itemCount must not be negative: " + itemCount);
        }
        requireNonNull(changeNote, "changeNote is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
