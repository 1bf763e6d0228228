package dev.promptline.api.console;

import dev.promptline.api.budgets.BudgetPeriod;
import dev.promptline.api.budgets.BudgetWindow;
import dev.promptline.api.budgets.Budgets;
import dev.promptline.api.console.BudgetViews.BudgetForm;
import dev.promptline.api.console.BudgetViews.BudgetRow;
import dev.promptline.api.console.BudgetViews.BudgetsPage;
import dev.promptline.api.organizations.ApiKey;
import dev.promptline.api.organizations.ApiKeyService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The budgets page: the organization's and its keys' spend caps, each with what its current window has spent, what
 * running executions hold, what is left and when it resets. Admins and owners set, change and remove caps through
 * {@link Budgets}, as {@code /api/v1/budgets} does, with the same limits and refusals in words.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class BudgetPagesController {
    // The REST API's limits on a cap: more than 0, at most 10^12, at most 6 decimals.
    private static final BigDecimal MAX_LIMIT = new BigDecimal("1000000000000");
    private static final Map<String, String> NOTICES = Map.of(
            "set", "The cap is set; it applies to the next execution.",
            "changed", "The limit is changed, for the current window too: what was spent in it stays spent.",
            "removed", "The cap is removed.");

    private final Budgets budgets;
    private final ApiKeyService keys;

    BudgetPagesController(Budgets budgets, ApiKeyService keys) {
        this.budgets = budgets;
        this.keys = keys;
    }

    @GetMapping("/console/budgets")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String done,
            Model model) {
        model.addAttribute("page", page(caller, BudgetForm.EMPTY, done == null ? null : NOTICES.get(done), List.of()));
        return "console/budgets";
    }

    @PostMapping("/console/budgets")
    String set(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "") String scope,
            @RequestParam(defaultValue = "") String period,
            @RequestParam(defaultValue = "") String limit,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var form = new BudgetForm(scope.strip(), period.strip(), limit.strip());
        var errors = new ArrayList<String>();
        UUID apiKeyId = null;
        if (!"organization".equals(form.scope())) {
            try {
                apiKeyId = UUID.fromString(form.scope());
            } catch (IllegalArgumentException e) {
                errors.add("The cap must be the organization's or one API key's.");
            }
        }
        if (!BudgetViews.PERIODS.contains(form.period())) {
            errors.add("The period must be day or month.");
        }
        BigDecimal parsedLimit = limit(form.limit(), errors);
        if (errors.isEmpty()) {
            UUID key = apiKeyId;
            Refusal refused = attempt(() ->
                    budgets.create(caller.organizationId(), key, BudgetPeriod.fromValue(form.period()), parsedLimit));
            if (refused == null) {
                redirect.addAttribute("done", "set");
                return "redirect:/console/budgets";
            }
            errors.add(refused.words());
            response.setStatus(refused.status());
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", page(caller, form, null, errors));
        return "console/budgets";
    }

    @PostMapping("/console/budgets/{budgetId}")
    String change(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID budgetId,
            @RequestParam(defaultValue = "") String limit,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var errors = new ArrayList<String>();
        BigDecimal parsedLimit = limit(limit.strip(), errors);
        if (errors.isEmpty()) {
            Refusal refused = attempt(() -> budgets.changeLimit(caller.organizationId(), budgetId, parsedLimit));
            if (refused == null) {
                redirect.addAttribute("done", "changed");
                return "redirect:/console/budgets";
            }
            errors.add(refused.words());
            response.setStatus(refused.status());
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", page(caller, BudgetForm.EMPTY, null, errors));
        return "console/budgets";
    }

    /** The confirmation before a cap is removed. Admin or owner, as the removal. */
    @GetMapping("/console/budgets/{budgetId}/remove")
    String confirmRemove(@AuthenticationPrincipal Caller caller, @PathVariable UUID budgetId, Model model) {
        BudgetWindow window = budgets.get(caller.organizationId(), budgetId);
        String scope = window.budget().apiKeyId() == null
                ? "the organization"
                : "API key " + window.budget().apiKeyId();
        model.addAttribute(
                "page",
                new ConfirmView(
                        "Remove this cap?",
                        "The %s cap of %s on %s is removed: executions no longer count against it."
                                .formatted(
                                        window.budget().period().value(),
                                        usd(window.budget().limitUsd()),
                                        scope),
                        "/console/budgets/" + budgetId + "/remove",
                        "Remove the cap",
                        "/console/budgets"));
        return "console/confirm";
    }

    @PostMapping("/console/budgets/{budgetId}/remove")
    String remove(@AuthenticationPrincipal Caller caller, @PathVariable UUID budgetId, RedirectAttributes redirect) {
        budgets.delete(caller.organizationId(), budgetId);
        redirect.addAttribute("done", "removed");
        return "redirect:/console/budgets";
    }

    /** A service's refusal: its status (a cap of that scope and period already set is 409) and its words. */
    private record Refusal(int status, String words) {}

    private static @Nullable Refusal attempt(Runnable change) {
        try {
            change.run();
            return null;
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                throw refused;
            }
            return new Refusal(refused.code().status(), ConsoleWords.of(refused));
        }
    }

    private BudgetsPage page(Caller caller, BudgetForm form, @Nullable String notice, List<String> errors) {
        List<ApiKey> allKeys = allKeys(caller);
        Map<UUID, String> keyNames = new HashMap<>();
        allKeys.forEach(key -> keyNames.put(key.id(), "API key " + key.name() + " (pl_" + key.prefix() + "…)"));
        List<BudgetRow> rows = budgets.list(caller.organizationId()).stream()
                .sorted(Comparator.comparing(
                                (BudgetWindow window) -> window.budget().apiKeyId() != null)
                        .thenComparing(window -> window.budget().createdAt()))
                .map(window -> row(window, keyNames))
                .toList();
        var scopes = new ArrayList<Choice>();
        scopes.add(new Choice("organization", "The whole organization"));
        allKeys.stream()
                .filter(key -> key.revokedAt() == null)
                .forEach(key -> scopes.add(new Choice(key.id().toString(), keyNames.get(key.id()))));
        return new BudgetsPage(rows, scopes, form, notice, errors);
    }

    private static BudgetRow row(BudgetWindow window, Map<UUID, String> keyNames) {
        UUID key = window.budget().apiKeyId();
        return new BudgetRow(
                window.budget().id().toString(),
                key == null ? "The organization" : keyNames.getOrDefault(key, "API key " + key),
                window.budget().period().value(),
                usd(window.budget().limitUsd()),
                usd(window.spentUsd()),
                usd(window.reservedUsd()),
                usd(window.remainingUsd()),
                Figures.time(window.resetsAt()),
                window.remainingUsd().signum() == 0);
    }

    private List<ApiKey> allKeys(Caller caller) {
        var all = new ArrayList<ApiKey>();
        String token = null;
        do {
            Page<ApiKey> page = keys.list(caller, token, 100);
            all.addAll(page.items());
            token = page.nextPageToken();
        } while (token != null && all.size() < 1_000);
        return all;
    }

    private static @Nullable BigDecimal limit(String value, List<String> errors) {
        if (value.isEmpty()) {
            errors.add("The limit is required: US dollars, more than 0.");
            return null;
        }
        try {
            var limit = new BigDecimal(value);
            if (limit.signum() > 0 && limit.compareTo(MAX_LIMIT) <= 0 && Math.max(limit.scale(), 0) <= 6) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Said in words below.
        }
        errors.add("The limit must be US dollars more than 0 and at most 1,000,000,000,000, with at most 6 decimals.");
        return null;
    }

    private static String usd(BigDecimal amount) {
        return "$" + amount.stripTrailingZeros().toPlainString();
    }
}
