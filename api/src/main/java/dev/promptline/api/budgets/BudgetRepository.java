package dev.promptline.api.budgets;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class BudgetRepository {
    private static final String COLUMNS =
            "b.id, b.organization_id, b.api_key_id, b.period, b.limit_usd, b.created_at, b.updated_at";

    private final JdbcClient jdbc;

    BudgetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Cacheable(cacheNames = BudgetCaches.BUDGETS, key = "#organizationId.value()", sync = true)
    public OrganizationBudgets ofOrganization(OrganizationId organizationId) {
        return new OrganizationBudgets(jdbc.sql("SELECT " + COLUMNS + " FROM budgets b WHERE b.organization_id = ?"
                        + " ORDER BY b.created_at, b.id")
                .param(organizationId.value())
                .query(BudgetRepository::budget)
                .list());
    }

    Optional<Budget> find(OrganizationId organizationId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM budgets b WHERE b.organization_id = ? AND b.id = ?")
                .params(organizationId.value(), id)
                .query(BudgetRepository::budget)
                .optional();
    }

    boolean keyExists(OrganizationId organizationId, UUID apiKeyId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM api_keys WHERE organization_id = ? AND id = ?)")
                .params(organizationId.value(), apiKeyId)
                .query(Boolean.class)
                .single();
    }

    /** The new cap, or empty when its scope already has one for that period. */
    Optional<Budget> create(
            OrganizationId organizationId, @Nullable UUID apiKeyId, BudgetPeriod period, BigDecimal limitUsd) {
        return jdbc.sql("INSERT INTO budgets AS b (organization_id, api_key_id, period, limit_usd) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT ON CONSTRAINT budgets_scope_period_key DO NOTHING RETURNING " + COLUMNS)
                .params(organizationId.value(), apiKeyId, period.value(), limitUsd)
                .query(BudgetRepository::budget)
                .optional();
    }

    Optional<Budget> updateLimit(OrganizationId organizationId, UUID id, BigDecimal limitUsd) {
        return jdbc.sql("UPDATE budgets AS b SET limit_usd = ?, updated_at = now()"
                        + " WHERE b.organization_id = ? AND b.id = ? RETURNING " + COLUMNS)
                .params(limitUsd, organizationId.value(), id)
                .query(BudgetRepository::budget)
                .optional();
    }

    boolean delete(OrganizationId organizationId, UUID id) {
        return jdbc.sql("DELETE FROM budgets WHERE organization_id = ? AND id = ?")
                        .params(organizationId.value(), id)
                        .update()
                > 0;
    }

    /** Each cap in the window that holds {@code at}; a window nothing spent in yet reads as zero. */
    List<BudgetWindow> windows(List<Budget> budgets, Instant at) {
        return budgets.stream().map(budget -> window(budget, at)).toList();
    }

    private BudgetWindow window(Budget budget, Instant at) {
        Instant start = budget.period().windowStart(at);
        return jdbc.sql("SELECT spent_usd, reserved_usd FROM budget_windows WHERE budget_id = ? AND starts_at = ?")
                .params(budget.id(), Timestamp.from(start))
                .query((row, index) -> new BudgetWindow(
                        budget, start, row.getBigDecimal("spent_usd"), row.getBigDecimal("reserved_usd")))
                .optional()
                .orElseGet(() -> new BudgetWindow(budget, start, BigDecimal.ZERO, BigDecimal.ZERO));
    }

    /**
     * Holds {@code amount} in a cap's window if spent + reserved + amount stays within the cap's limit as stored now;
     * false (and nothing held) otherwise. One statement: the row lock orders concurrent reservations.
     */
    boolean reserve(UUID budgetId, Instant windowStart, BigDecimal amount) {
        return jdbc.sql("""
                        INSERT INTO budget_windows AS w (budget_id, starts_at, reserved_usd)
                        SELECT b.id, ?, ? FROM budgets b WHERE b.id = ? AND ? <= b.limit_usd
                        ON CONFLICT (budget_id, starts_at) DO UPDATE
                            SET reserved_usd = w.reserved_usd + EXCLUDED.reserved_usd
                            WHERE w.spent_usd + w.reserved_usd + EXCLUDED.reserved_usd
                                <= (SELECT limit_usd FROM budgets WHERE id = w.budget_id)
                        """)
                        .params(Timestamp.from(windowStart), amount, budgetId, amount)
                        .update()
                == 1;
    }

    /** Replaces a hold by what the execution cost. */
    void settle(UUID budgetId, Instant windowStart, BigDecimal held, BigDecimal spent) {
        jdbc.sql("UPDATE budget_windows SET reserved_usd = greatest(0, reserved_usd - ?), spent_usd = spent_usd + ?"
                        + " WHERE budget_id = ? AND starts_at = ?")
                .params(held, spent, budgetId, Timestamp.from(windowStart))
                .update();
    }

    private static Budget budget(ResultSet row, int index) throws SQLException {
        return new Budget(
                row.getObject("id", UUID.class),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getObject("api_key_id", UUID.class),
                BudgetPeriod.fromValue(row.getString("period")),
                row.getBigDecimal("limit_usd"),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
