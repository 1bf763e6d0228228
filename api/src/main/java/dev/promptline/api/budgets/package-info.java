/**
 * Spend caps: an organization's, or one API key's, per UTC day or month, in USD. Owns the {@code budgets} and
 * {@code budget_windows} tables. Executions reserve their worst case in every cap that applies before they call a
 * provider, and settle it to what they cost after; PostgreSQL decides each reservation in one statement, so the caps
 * hold across replicas and without Redis.
 */
@NullMarked
package dev.promptline.api.budgets;

import org.jspecify.annotations.NullMarked;
