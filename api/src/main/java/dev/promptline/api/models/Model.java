package dev.promptline.api.models;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A model an organization may call, with its defaults, its prices per million tokens (for cost tracking) and the
 * timeouts of each attempt at it.
 */
public record Model(
        ModelId id,
        OrganizationId organizationId,
        Provider provider,
        String name,
        String providerModelId,
        @Nullable URI baseUrl,
        ModelParameters parameters,
        Credential credential,
        @Nullable BigDecimal inputPricePerMillion,
        @Nullable BigDecimal outputPricePerMillion,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt,
        ModelTimeouts timeouts) {
    public Model {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(provider, "provider is null");
        requireNonNull(name, "name is null");
        requireNonNull(providerModelId, "providerModelId is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(credential, "credential is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        // Null in models cached before models had timeouts.
        timeouts = timeouts == null ? ModelTimeouts.NONE : timeouts;
    }
}
