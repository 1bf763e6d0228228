package dev.promptline.api.budgets;

import java.util.List;

/** An organization's caps, as cached: every execution asks whether any applies. */
record OrganizationBudgets(List<Budget> budgets) {
    OrganizationBudgets {
        budgets = List.copyOf(budgets);
    }
}
