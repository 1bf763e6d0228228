package dev.promptline.api.platform.tenancy;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * Who is calling: the authenticated principal of every {@code /api/**} request. Controllers take it as a
 * {@code @AuthenticationPrincipal} parameter and pass its organization to every query.
 *
 * @param apiKeyId the key the request was made with
 */
public record Caller(OrganizationId organizationId, UserId userId, Role role, UUID apiKeyId) {
    public Caller {
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(role, "role is null");
        requireNonNull(apiKeyId, "apiKeyId is null");
    }
}
