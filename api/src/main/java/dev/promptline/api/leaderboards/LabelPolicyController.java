package dev.promptline.api.leaderboards;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.prompts.PromptId;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A prompt label's policy. Only owners and admins set or remove one: it is what guards production. */
@RestController
@RequestMapping("/api/v1/prompts/{promptId}/labels/{label}/policy")
@Validated
class LabelPolicyController {
    private static final String LABEL = "[a-z0-9][a-z0-9_.-]{0,99}";

    private final LabelPolicyService policies;

    LabelPolicyController(LabelPolicyService policies) {
        this.policies = policies;
    }

    @GetMapping
    PolicyResponse get(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label) {
        return PolicyResponse.from(policies.get(caller.organizationId(), new PromptId(promptId), label));
    }

    @PutMapping
    PolicyResponse put(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label,
            @Valid @RequestBody PolicyRequest request) {
        requireOwnerOrAdmin(caller);
        return PolicyResponse.from(policies.put(
                caller,
                new PromptId(promptId),
                label,
                new BenchmarkId(request.benchmarkId()),
                request.evaluatorId(),
                request.threshold(),
                request.maxRegression() == null ? 0 : request.maxRegression()));
    }

    @DeleteMapping
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label) {
        requireOwnerOrAdmin(caller);
        policies.delete(caller, new PromptId(promptId), label);
        return ResponseEntity.noContent().build();
    }

    private static void requireOwnerOrAdmin(Caller caller) {
        if (caller.role() != Role.OWNER && caller.role() != Role.ADMIN) {
            throw new PromptlineException(ErrorCode.FORBIDDEN, "Only owners and admins set a label's policy.");
        }
    }

    /**
     * @param evaluatorId the benchmark's evaluator whose mean decides
     * @param threshold the mean the candidate must reach (at least; at most for a "lower" metric)
     * @param maxRegression how much worse than the current version's mean the candidate may be; 0 when absent
     */
    record PolicyRequest(
            @NotNull UUID benchmarkId,
            @NotNull UUID evaluatorId,
            @NotNull Double threshold,
            @Nullable @PositiveOrZero Double maxRegression) {}

    record PolicyResponse(
            UUID promptId,
            String label,
            UUID benchmarkId,
            UUID evaluatorId,
            double threshold,
            double maxRegression,
            @Nullable UUID updatedBy,
            Instant updatedAt) {
        static PolicyResponse from(LabelPolicy policy) {
            return new PolicyResponse(
                    policy.promptId().value(),
                    policy.label(),
                    policy.benchmarkId().value(),
                    policy.evaluatorId(),
                    policy.threshold(),
                    policy.maxRegression(),
                    policy.updatedBy(),
                    policy.updatedAt());
        }
    }
}
