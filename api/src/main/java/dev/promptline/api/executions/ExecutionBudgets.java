package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.budgets.Budgets;
import dev.promptline.api.budgets.Reservation;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.Caller;
import java.math.BigDecimal;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * An execution's side of the spend caps: before it calls the provider it holds its worst case in every cap that
 * applies (the organization's, and the calling API key's), after it ended it settles to what it cost. For the worst
 * case to be known, an execution under a cap that nothing limited in output is capped at {@code
 * BUDGET_MAX_OUTPUT_TOKENS} (on its model and on each fallback); its record shows that limit. The worst case is the
 * dearest model's: only the model that answers is paid for.
 */
@Component
class ExecutionBudgets {
    private final Budgets budgets;
    private final ExecutionProperties properties;

    ExecutionBudgets(Budgets budgets, ExecutionProperties properties) {
        this.budgets = budgets;
        this.properties = properties;
    }

    /** The plan to run, and what it holds; {@code BUDGET_EXCEEDED} when a cap has not enough left. */
    Charge charge(ExecutionPlan plan) {
        UUID apiKey = callingKey();
        if (!budgets.apply(plan.organizationId(), apiKey)) {
            return new Charge(plan, Reservation.NONE);
        }
        ExecutionPlan capped = plan.withDefaultMaxTokens(properties.budgetMaxOutputTokens());
        return new Charge(capped, budgets.reserve(plan.organizationId(), apiKey, worstCase(capped)));
    }

    /** What the dearest of the models that may answer could cost: only the answering model's usage is paid. */
    private static BigDecimal worstCase(ExecutionPlan plan) {
        BigDecimal worst = Pricing.worstCase(
                plan.model(), plan.messages(), maxTokens(plan.input().parameters()));
        for (ExecutionPlan.Fallback fallback : plan.fallbacks()) {
            worst = worst.max(Pricing.worstCase(fallback.model(), plan.messages(), maxTokens(fallback.parameters())));
        }
        return worst;
    }

    private static int maxTokens(ModelParameters capped) {
        return requireNonNull(capped.maxTokens(), "capped parameters have a max_tokens");
    }

    /** {@code cost} null when the execution broke before its record was finished: the worst case stays spent. */
    void settle(Reservation reservation, @Nullable BigDecimal cost) {
        budgets.settle(reservation, cost);
    }

    /**
     * The API key of the request being served; null for work of the service's own (an experiment's items, a judge),
     * which spends from the organization's caps only.
     */
    private static @Nullable UUID callingKey() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller caller
                ? caller.apiKeyId()
                : null;
    }

    record Charge(ExecutionPlan plan, Reservation reservation) {}
}
