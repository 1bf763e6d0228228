package dev.promptline.api.budgets;

import dev.promptline.api.platform.cache.CacheInvalidation;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The caps of an organization: managed through the API, and held and settled by each execution. */
@Service
public class Budgets {
    private static final Logger log = LoggerFactory.getLogger(Budgets.class);

    private final BudgetRepository budgets;
    private final CacheInvalidation caches;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Budgets(BudgetRepository budgets, CacheInvalidation caches, TransactionTemplate transactions) {
        this.budgets = budgets;
        this.caches = caches;
        this.transactions = transactions;
        this.clock = Clock.systemUTC();
    }

    public List<BudgetWindow> list(OrganizationId organizationId) {
        return budgets.windows(budgets.ofOrganization(organizationId).budgets(), clock.instant());
    }

    public BudgetWindow get(OrganizationId organizationId, UUID id) {
        return budgets.windows(List.of(find(organizationId, id)), clock.instant())
                .getFirst();
    }

    public BudgetWindow create(
            OrganizationId organizationId, @Nullable UUID apiKeyId, BudgetPeriod period, BigDecimal limitUsd) {
        if (apiKeyId != null && !budgets.keyExists(organizationId, apiKeyId)) {
            throw PromptlineException.invalidField(
                    "/apiKeyId", "No API key %s in this organization.".formatted(apiKeyId));
        }
        Budget budget = budgets.create(organizationId, apiKeyId, period, limitUsd)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.CONFLICT,
                        "%s already has a %s budget; change its limit instead."
                                .formatted(
                                        apiKeyId == null ? "The organization" : "API key " + apiKeyId,
                                        period.value())));
        caches.evictAfterCommit(BudgetCaches.BUDGETS, organizationId.value());
        return budgets.windows(List.of(budget), clock.instant()).getFirst();
    }

    /** A new limit, in force for the current window at once: what was spent in it stays spent. */
    public BudgetWindow changeLimit(OrganizationId organizationId, UUID id, BigDecimal limitUsd) {
        Budget changed = budgets.updateLimit(organizationId, id, limitUsd).orElseThrow(() -> notFound(id));
        caches.evictAfterCommit(BudgetCaches.BUDGETS, organizationId.value());
        return budgets.windows(List.of(changed), clock.instant()).getFirst();
    }

    public void delete(OrganizationId organizationId, UUID id) {
        if (!budgets.delete(organizationId, id)) {
            throw notFound(id);
        }
        caches.evictAfterCommit(BudgetCaches.BUDGETS, organizationId.value());
    }

    /** Whether any cap applies to an execution of this organization by this key (null: by none, as experiments). */
    public boolean apply(OrganizationId organizationId, @Nullable UUID apiKeyId) {
        return budgets.ofOrganization(organizationId).budgets().stream().anyMatch(budget -> budget.covers(apiKeyId));
    }

    /**
     * Holds an execution's worst case in every cap that applies, all or none: a cap it would exceed refuses it with
     * {@code BUDGET_EXCEEDED}, naming the cap and when it resets.
     */
    public Reservation reserve(OrganizationId organizationId, @Nullable UUID apiKeyId, BigDecimal worstCaseUsd) {
        List<Budget> applying = budgets.ofOrganization(organizationId).budgets().stream()
                .filter(budget -> budget.covers(apiKeyId))
                .toList();
        if (applying.isEmpty()) {
            return Reservation.NONE;
        }
        Instant now = clock.instant();
        var holds = transactions.execute(status -> {
            var held = new ArrayList<Reservation.Hold>();
            for (Budget budget : applying) {
                Instant start = budget.period().windowStart(now);
                if (!budgets.reserve(budget.id(), start, worstCaseUsd)) {
                    throw exceeded(budget, start, worstCaseUsd); // and the holds taken so far roll back
                }
                held.add(new Reservation.Hold(budget.id(), start));
            }
            return held;
        });
        return new Reservation(holds, worstCaseUsd);
    }

    /**
     * Replaces the holds by what the execution cost; null when that is unknown (the execution broke before its record
     * was finished), which keeps the worst case spent: a cap errs on the side of spending less. A failure to settle
     * leaves the hold in place until the window ends, for the same reason.
     */
    public void settle(Reservation reservation, @Nullable BigDecimal costUsd) {
        if (reservation.holds().isEmpty()) {
            return;
        }
        BigDecimal spent = costUsd == null ? reservation.amountUsd() : costUsd;
        try {
            transactions.executeWithoutResult(status -> reservation
                    .holds()
                    .forEach(hold ->
                            budgets.settle(hold.budgetId(), hold.windowStart(), reservation.amountUsd(), spent)));
        } catch (DataAccessException e) {
            log.warn(
                    "Could not settle a budget reservation of {} USD; it stays held until its window ends: {}",
                    reservation.amountUsd(),
                    e.getMessage());
        }
    }

    private Budget find(OrganizationId organizationId, UUID id) {
        return budgets.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    private PromptlineException exceeded(Budget budget, Instant windowStart, BigDecimal worstCaseUsd) {
        BudgetWindow window = budgets.windows(List.of(budget), windowStart).getFirst();
        String scope = budget.apiKeyId() == null ? "The organization's" : "API key " + budget.apiKeyId() + "'s";
        return new PromptlineException(
                        ErrorCode.BUDGET_EXCEEDED,
                        ("%s %s budget of %s USD has %s USD left, less than this execution may cost (%s USD);"
                                        + " it resets at %s.")
                                .formatted(
                                        scope,
                                        budget.period().value(),
                                        budget.limitUsd().stripTrailingZeros().toPlainString(),
                                        window.remainingUsd()
                                                .stripTrailingZeros()
                                                .toPlainString(),
                                        worstCaseUsd.stripTrailingZeros().toPlainString(),
                                        window.resetsAt()))
                .with("budgetId", budget.id())
                .with("period", budget.period().value())
                .with("limitUsd", budget.limitUsd())
                .with("remainingUsd", window.remainingUsd())
                .with("resetsAt", window.resetsAt().toString());
    }

    private static PromptlineException notFound(UUID id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No budget %s in this organization.".formatted(id));
    }
}
