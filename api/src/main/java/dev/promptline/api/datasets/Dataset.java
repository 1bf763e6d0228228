package dev.promptline.api.datasets;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A dataset: its name (unique in the organization), description, newest version and how many items that version
 * holds.
 */
public record Dataset(
        DatasetId id,
        OrganizationId organizationId,
        String name,
        String description,
        int latestVersion,
        int itemCount,
        @Nullable UserId createdBy,
        Instant createdAt,
        Instant updatedAt) {
    public Dataset {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        if (latestVersion < 1) {
            throw new IllegalArgumentException("latestVersion must be at least 1: " + latestVersion);
        }
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
