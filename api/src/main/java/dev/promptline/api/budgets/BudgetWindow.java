package dev.promptline.api.budgets;

import java.math.BigDecimal;
import java.time.Instant;

/** A cap in its current window: what was spent, what running executions hold, and what is left. */
public record BudgetWindow(Budget budget, Instant startsAt, BigDecimal spentUsd, BigDecimal reservedUsd) {
    public Instant resetsAt() {
        return budget.period().windowEnd(startsAt);
    }

    /** Never below zero, even if a provider billed more than the worst case it was held to. */
    public BigDecimal remainingUsd() {
        return budget.limitUsd().subtract(spentUsd).subtract(reservedUsd).max(BigDecimal.ZERO);
    }
}
