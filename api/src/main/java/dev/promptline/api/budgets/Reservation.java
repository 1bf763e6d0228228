package dev.promptline.api.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What one execution holds of the caps that apply to it, until it settles. */
public record Reservation(List<Hold> holds, BigDecimal amountUsd) {
    /** Nothing held: no cap applies. */
    public static final Reservation NONE = new Reservation(List.of(), BigDecimal.ZERO);

    public Reservation {
        holds = List.copyOf(holds);
    }

    /** The worst case held in one cap's window. */
    record Hold(UUID budgetId, Instant windowStart) {}
}
