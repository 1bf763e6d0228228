package dev.promptline.api.budgets;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A spend cap: the organization's when {@code apiKeyId} is null, else one key's. */
public record Budget(
        UUID id,
        OrganizationId organizationId,
        @Nullable UUID apiKeyId,
        BudgetPeriod period,
        BigDecimal limitUsd,
        Instant createdAt,
        Instant updatedAt) {
    public Budget {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(period, "period is null");
        requireNonNull(limitUsd, "limitUsd is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    /** Whether an execution by this key (null: none, as for experiments) spends from this cap. */
    boolean covers(@Nullable UUID key) {
        return apiKeyId == null || apiKeyId.equals(key);
    }
}
