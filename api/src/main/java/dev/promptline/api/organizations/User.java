package dev.promptline.api.organizations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

public record User(
        UserId id,
        OrganizationId organizationId,
        String email,
        @Nullable String name,
        Role role,
        Instant createdAt,
        Instant updatedAt) {
    public User {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(email, "email is null");
        requireNonNull(role, "role is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
