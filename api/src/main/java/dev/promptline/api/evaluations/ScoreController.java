package dev.promptline.api.evaluations;

import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Scores on any execution: given by a person or an application, and listed with those evaluators gave. */
@RestController
@RequestMapping("/api/v1/executions/{executionId}/scores")
@Validated
class ScoreController {
    private final ScoreService scores;

    ScoreController(ScoreService scores) {
        this.scores = scores;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Adds a score to an execution: a number (in [0, 1] unless min and max are given), true or"
                    + " false, or a category; the caller's user is recorded as its giver")
    ResponseEntity<ScoreResponse> add(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID executionId,
            @Valid @RequestBody AddScoreRequest request) {
        Score score = scores.add(caller, executionId, request.name(), request.toValue(), request.comment());
        return ResponseEntity.created(URI.create("/api/v1/executions/%s/scores/%s".formatted(executionId, score.id())))
                .body(ScoreResponse.from(new ScoreRepository.Attributed(score, null, null)));
    }

    @GetMapping
    @Operation(summary = "The execution's scores, given by evaluators and people, in the order they were given")
    Page<ScoreResponse> list(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID executionId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return scores.list(caller.organizationId(), executionId, pageToken, pageSize)
                .map(ScoreResponse::from);
    }

    @GetMapping("/{scoreId}")
    @Operation(summary = "One score of the execution")
    ScoreResponse get(
            @AuthenticationPrincipal Caller caller, @PathVariable UUID executionId, @PathVariable UUID scoreId) {
        return ScoreResponse.from(scores.get(caller.organizationId(), executionId, scoreId));
    }

    @DeleteMapping("/{scoreId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            summary = "Deletes a score given through the API (by its giver, an owner or an admin); a score an evaluator"
                    + " gave goes only with its evaluator (409)")
    void delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID executionId, @PathVariable UUID scoreId) {
        scores.delete(caller, executionId, scoreId);
    }

    /**
     * @param value a number, true or false, or a category (text)
     * @param min the lower end of a number's range; with {@code max}, or neither for [0, 1]
     * @param comment why, in the giver's words
     */
    record AddScoreRequest(
            @NotBlank @Size(max = 255) String name,
            @NotNull JsonNode value,
            @Nullable Double min,
            @Nullable Double max,

            @Nullable @Size(max = ScoreService.MAX_TEXT_LENGTH)
            String comment) {
        ScoreValue toValue() {
            if (value.isNumber()) {
                return numeric();
            }
            if (min != null || max != null) {
                throw PromptlineException.invalidField(
                        min != null ? "#/min" : "#/max", "a range goes only with a numeric value");
            }
            if (value.isBoolean()) {
                return new ScoreValue.Bool(value.booleanValue());
            }
            if (value.isString()) {
                String category = value.stringValue();
                if (category.isBlank() || category.length() > ScoreService.MAX_CATEGORY_LENGTH) {
                    throw PromptlineException.invalidField(
                            "#/value",
                            "a category must be 1 to %d characters, not blank"
                                    .formatted(ScoreService.MAX_CATEGORY_LENGTH));
                }
                // Text fields are checked for NUL as they are decoded (platform.web); a JSON value is not.
                noNul("#/value", category);
                return new ScoreValue.Category(category);
            }
            throw PromptlineException.invalidField("#/value", "must be a number, true or false, or a text category");
        }

        private ScoreValue numeric() {
            if ((min == null) != (max == null)) {
                throw PromptlineException.invalidField(
                        min == null ? "#/min" : "#/max", "give both min and max, or neither for the range [0, 1]");
            }
            double number = value.doubleValue();
            double low = min == null ? 0 : min;
            double high = max == null ? 1 : max;
            if (!Double.isFinite(number)) {
                throw PromptlineException.invalidField("#/value", "must be a finite number");
            }
            if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
                throw PromptlineException.invalidField("#/min", "min and max must be finite, min at most max");
            }
            if (number < low || number > high) {
                throw PromptlineException.invalidField(
                        "#/value",
                        min == null
                                ? "must be within [0, 1]; give min and max for another range"
                                : "must be within [%s, %s]".formatted(min, max));
            }
            return new ScoreValue.Numeric(number, low, high);
        }

        private static void noNul(String pointer, String text) {
            if (text.indexOf('\0') >= 0) {
                throw PromptlineException.invalidField(pointer, "must not contain a NUL character");
            }
        }
    }
}
