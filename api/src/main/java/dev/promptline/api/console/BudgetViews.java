package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the budgets page shows, already in words: each cap in its current window, and the form to set one. */
public final class BudgetViews {
    public static final List<String> PERIODS = List.of("day", "month");

    public record BudgetsPage(
            List<BudgetRow> rows,
            List<Choice> scopes,
            BudgetForm form,
            @Nullable String notice,
            List<String> errors) {
        public BudgetsPage {
            rows = List.copyOf(rows);
            scopes = List.copyOf(scopes);
            errors = List.copyOf(errors);
        }
    }

    /** A cap: whose it is, its period, and its window's figures in US dollars. */
    public record BudgetRow(
            String id,
            String scope,
            String period,
            String limit,
            String spent,
            String reserved,
            String remaining,
            String resetsAt,
            boolean exhausted) {
        public String url() {
            return "/console/budgets/" + id;
        }
    }

    /** The set-a-cap form as typed: {@code scope} is {@code organization} or an API key's id. */
    public record BudgetForm(String scope, String period, String limit) {
        public static final BudgetForm EMPTY = new BudgetForm("organization", "day", "");
    }

    private BudgetViews() {}
}
