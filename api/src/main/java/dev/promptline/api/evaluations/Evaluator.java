package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An evaluator: its name (unique in the organization), description, type (fixed for its life) and newest version.
 */
public record Evaluator(
        EvaluatorId id,
        OrganizationId organizationId,
        String name,
        String description,
        String type,
        EvaluatorVersion latest,
        @Nullable UserId createdBy,
        Instant createdAt,
        Instant updatedAt) {
    public Evaluator {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(type, "type is null");
        requireNonNull(latest, "latest is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
