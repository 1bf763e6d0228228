package dev.promptline.api.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored item. It never changes: it belongs to every version from {@code addedInVersion} until the version that
 * removes it ({@code removedInVersion}, null while it is in the newest version).
 */
public record DatasetItem(
        UUID id,
        DatasetId datasetId,
        ItemDraft content,
        int addedInVersion,
        @Nullable Integer removedInVersion,
        Instant createdAt) {
    public DatasetItem {
        requireNonNull(id, "id is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(content, "content is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
