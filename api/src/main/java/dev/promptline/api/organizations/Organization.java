package dev.promptline.api.organizations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A tenant. {@code disabledAt} is set while an operator has disabled it: its keys then authenticate nothing. */
public record Organization(
        OrganizationId id,
        String name,
        String slug,
        Instant createdAt,
        @Nullable Instant disabledAt) {
    public Organization {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(slug, "slug is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
