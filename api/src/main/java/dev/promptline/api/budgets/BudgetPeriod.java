package dev.promptline.api.budgets;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** The window a cap counts over: a calendar day or month in UTC, whatever the callers' time zones. */
public enum BudgetPeriod {
    DAY,
    MONTH;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BudgetPeriod fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The start of the window that holds {@code at}. */
    public Instant windowStart(Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        LocalDate start = this == DAY ? day : day.withDayOfMonth(1);
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** When the window that starts at {@code start} ends, and the cap is whole again. */
    public Instant windowEnd(Instant start) {
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate next = this == DAY ? first.plusDays(1) : first.plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
