package dev.promptline.api.budgets;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spend caps, each with its current window: anyone in the organization reads what is left, owners and admins set
 * them (the security configuration's administration paths).
 */
@RestController
@RequestMapping("/api/v1/budgets")
class BudgetController {
    private final Budgets budgets;

    BudgetController(Budgets budgets) {
        this.budgets = budgets;
    }

    @GetMapping
    Page<BudgetResponse> list(@AuthenticationPrincipal Caller caller) {
        return new Page<>(
                budgets.list(caller.organizationId()).stream()
                        .map(BudgetResponse::from)
                        .toList(),
                null);
    }

    @GetMapping("/{budgetId}")
    BudgetResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID budgetId) {
        return BudgetResponse.from(budgets.get(caller.organizationId(), budgetId));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<BudgetResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateBudgetRequest request) {
        BudgetWindow created = budgets.create(
                caller.organizationId(),
                request.apiKeyId(),
                BudgetPeriod.fromValue(request.period()),
                request.limitUsd());
        return ResponseEntity.created(
                        URI.create("/api/v1/budgets/" + created.budget().id()))
                .body(BudgetResponse.from(created));
    }

    @PatchMapping("/{budgetId}")
    BudgetResponse update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID budgetId,
            @Valid @RequestBody UpdateBudgetRequest request) {
        return BudgetResponse.from(budgets.changeLimit(caller.organizationId(), budgetId, request.limitUsd()));
    }

    @DeleteMapping("/{budgetId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID budgetId) {
        budgets.delete(caller.organizationId(), budgetId);
    }

    /** @param apiKeyId the key whose spend is capped; absent for the whole organization's */
    record CreateBudgetRequest(
            @Nullable UUID apiKeyId,

            @NotNull @Pattern(regexp = "day|month", message = "must be day or month")
            String period,

            @NotNull
            @DecimalMin(value = "0", inclusive = false, message = "must be more than 0")
            @DecimalMax("1000000000000")
            @Digits(integer = 12, fraction = 6)
            BigDecimal limitUsd) {}

    record UpdateBudgetRequest(
            @NotNull
            @DecimalMin(value = "0", inclusive = false, message = "must be more than 0")
            @DecimalMax("1000000000000")
            @Digits(integer = 12, fraction = 6)
            BigDecimal limitUsd) {}

    record BudgetResponse(
            UUID id,
            String scope,
            @Nullable UUID apiKeyId,
            String period,
            BigDecimal limitUsd,
            BigDecimal spentUsd,
            BigDecimal reservedUsd,
            BigDecimal remainingUsd,
            Instant windowStartsAt,
            Instant resetsAt,
            Instant createdAt,
            Instant updatedAt) {
        static BudgetResponse from(BudgetWindow window) {
            Budget budget = window.budget();
            return new BudgetResponse(
                    budget.id(),
                    budget.apiKeyId() == null ? "organization" : "api_key",
                    budget.apiKeyId(),
                    budget.period().value(),
                    budget.limitUsd().stripTrailingZeros(),
                    window.spentUsd().stripTrailingZeros(),
                    window.reservedUsd().stripTrailingZeros(),
                    window.remainingUsd().stripTrailingZeros(),
                    window.startsAt(),
                    window.resetsAt(),
                    budget.createdAt(),
                    budget.updatedAt());
        }
    }
}
