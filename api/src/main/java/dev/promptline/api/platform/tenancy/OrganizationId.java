package dev.promptline.api.platform.tenancy;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** The tenant: every row that belongs to an organization carries this id, and every query filters on it. */
public record OrganizationId(UUID value) {
    public OrganizationId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
