package dev.promptline.api.evaluations.online;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.PromptId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Online evaluation: a prompt's rules, and what they measured per version and day. */
@RestController
@RequestMapping("/api/v1")
@Validated
class EvaluationRuleController {
    private static final String LABEL = "[a-z0-9][a-z0-9_.-]{0,99}";
    private static final Duration DEFAULT_RESULTS_RANGE = Duration.ofDays(30);

    private final EvaluationRuleService rules;

    EvaluationRuleController(EvaluationRuleService rules) {
        this.rules = rules;
    }

    @PostMapping("/prompts/{promptId}/evaluation-rules")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Adds a rule that scores a sampled share of the prompt's production executions")
    ResponseEntity<RuleResponse> create(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @Valid @RequestBody RuleRequest request) {
        EvaluationRule rule = rules.create(caller, new PromptId(promptId), request.draft());
        return ResponseEntity.created(URI.create("/api/v1/evaluation-rules/" + rule.id()))
                .body(RuleResponse.from(rule));
    }

    @GetMapping("/prompts/{promptId}/evaluation-rules")
    Page<RuleResponse> list(@AuthenticationPrincipal Caller caller, @PathVariable UUID promptId) {
        return new Page<>(
                rules.list(caller, new PromptId(promptId)).stream()
                        .map(RuleResponse::from)
                        .toList(),
                null);
    }

    @GetMapping("/evaluation-rules/{ruleId}")
    RuleResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID ruleId) {
        return RuleResponse.from(rules.get(caller, ruleId));
    }

    @PutMapping("/evaluation-rules/{ruleId}")
    @Operation(summary = "Replaces a rule's sampling rate, label and evaluators")
    RuleResponse replace(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID ruleId,
            @Valid @RequestBody RuleRequest request) {
        return RuleResponse.from(rules.replace(caller, ruleId, request.draft()));
    }

    @DeleteMapping("/evaluation-rules/{ruleId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID ruleId) {
        rules.delete(caller, ruleId);
    }

    @GetMapping("/prompts/{promptId}/evaluation-results")
    @Operation(
            summary = "Evaluator scores of the prompt's production executions per day (UTC), prompt version and"
                    + " evaluator version: count, errors, mean and pass rate; the last 30 days by default")
    Page<ResultResponse> results(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam(required = false) @Nullable Instant from,
            @RequestParam(required = false) @Nullable Instant to) {
        Instant end = to == null ? Instant.now() : to;
        Instant start = from == null ? end.minus(DEFAULT_RESULTS_RANGE) : from;
        return new Page<>(
                rules.results(caller, new PromptId(promptId), start, end).stream()
                        .map(ResultResponse::from)
                        .toList(),
                null);
    }

    /**
     * @param samplingRate the share of the prompt's production executions scored, 0 to 1
     * @param label only executions of the version this label points at; null for all versions
     * @param evaluatorIds 1 to 10 evaluators of the organization, used at their newest version
     */
    record RuleRequest(
            @NotNull @DecimalMin("0") @DecimalMax("1") Double samplingRate,
            @Nullable @Pattern(regexp = LABEL) String label,
            @NotNull List<@NotNull UUID> evaluatorIds) {
        EvaluationRuleService.Draft draft() {
            return new EvaluationRuleService.Draft(samplingRate, label, evaluatorIds);
        }
    }

    record RuleResponse(
            UUID id,
            UUID promptId,
            double samplingRate,
            @Nullable String label,
            List<UUID> evaluatorIds,
            @Nullable UUID createdBy,
            Instant createdAt,
            Instant updatedAt) {
        static RuleResponse from(EvaluationRule rule) {
            return new RuleResponse(
                    rule.id(),
                    rule.promptId().value(),
                    rule.samplingRate(),
                    rule.label(),
                    rule.evaluatorIds().stream().map(id -> id.value()).toList(),
                    rule.createdBy(),
                    rule.createdAt(),
                    rule.updatedAt());
        }
    }

    record EvaluatorReference(UUID id, String name, int version) {}

    record ResultResponse(
            LocalDate day,
            int promptVersion,
            EvaluatorReference evaluator,
            long count,
            long errors,
            @Nullable Double mean,
            @Nullable Double passRate) {
        static ResultResponse from(EvaluationRuleRepository.DailyResult result) {
            return new ResultResponse(
                    result.day(),
                    result.promptVersion(),
                    new EvaluatorReference(result.evaluatorId(), result.evaluatorName(), result.evaluatorVersion()),
                    result.count(),
                    result.errors(),
                    result.mean(),
                    result.passRate());
        }
    }
}
