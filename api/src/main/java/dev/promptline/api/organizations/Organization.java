package dev.promptline.api.organizations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;

public record Organization(OrganizationId id, String name, String slug, Instant createdAt) {
    public Organization {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(slug, "slug is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
