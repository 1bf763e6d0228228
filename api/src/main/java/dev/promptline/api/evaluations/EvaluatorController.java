package dev.promptline.api.evaluations;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Evaluators and their versions, and a dry run that scores a given output without storing anything. {@code {version}}
 * in a path is a number or {@code latest}.
 */
@RestController
@RequestMapping("/api/v1/evaluators")
@Validated
class EvaluatorController {
    private static final String VERSION = "latest|[1-9][0-9]{0,8}";

    private final EvaluatorService evaluators;

    EvaluatorController(EvaluatorService evaluators) {
        this.evaluators = evaluators;
    }

    @GetMapping
    Page<EvaluatorResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable @Size(max = 255) String name,
            @RequestParam(required = false) @Nullable @Size(max = 64) String type,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return evaluators
                .list(caller.organizationId(), name, type, pageToken, pageSize)
                .map(EvaluatorResponse::from);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Creates an evaluator of a type; its version 1 holds the configuration")
    ResponseEntity<EvaluatorResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateEvaluatorRequest request) {
        Evaluator evaluator = evaluators.create(
                caller,
                request.name(),
                request.description() == null ? "" : request.description(),
                request.type(),
                config(request.config()));
        return ResponseEntity.created(URI.create("/api/v1/evaluators/" + evaluator.id()))
                .body(EvaluatorResponse.from(evaluator));
    }

    @GetMapping("/{evaluatorId}")
    EvaluatorResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID evaluatorId) {
        return EvaluatorResponse.from(evaluators.get(caller.organizationId(), new EvaluatorId(evaluatorId)));
    }

    @DeleteMapping("/{evaluatorId}")
    @Operation(summary = "Deletes an evaluator with its versions and every score they gave")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID evaluatorId) {
        evaluators.delete(caller, new EvaluatorId(evaluatorId));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{evaluatorId}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Adds a version with a new configuration of the evaluator's type; a stale baseVersion is a 409")
    ResponseEntity<VersionResponse> addVersion(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID evaluatorId,
            @Valid @RequestBody AddVersionRequest request) {
        EvaluatorVersion version = evaluators.addVersion(
                caller, new EvaluatorId(evaluatorId), config(request.config()), request.baseVersion());
        return ResponseEntity.created(
                        URI.create("/api/v1/evaluators/%s/versions/%d".formatted(evaluatorId, version.version())))
                .body(VersionResponse.from(version));
    }

    @GetMapping("/{evaluatorId}/versions")
    Page<VersionResponse> versions(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID evaluatorId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return evaluators
                .versions(caller.organizationId(), new EvaluatorId(evaluatorId), pageToken, pageSize)
                .map(VersionResponse::from);
    }

    @GetMapping("/{evaluatorId}/versions/{version}")
    VersionResponse version(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID evaluatorId,
            @PathVariable @Pattern(regexp = VERSION) String version) {
        return VersionResponse.from(
                evaluators.version(caller.organizationId(), new EvaluatorId(evaluatorId), number(version)));
    }

    @PostMapping("/{evaluatorId}/score")
    @Operation(
            summary = "Scores the output given with the evaluator (its newest version, or ?version=n) and stores"
                    + " nothing: a dry run to try an evaluator")
    VerdictResponse score(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID evaluatorId,
            @RequestParam(required = false) @Nullable @Min(1) Integer version,
            @Valid @RequestBody SubjectRequest request) {
        var configured = evaluators.configured(caller.organizationId(), new EvaluatorId(evaluatorId), version);
        Verdict verdict = configured.scorer().score(request.toSubject());
        return VerdictResponse.from(configured, verdict);
    }

    private static JsonNode config(@Nullable JsonNode config) {
        return config == null || config.isNull() ? JsonNodeFactory.instance.objectNode() : config;
    }

    private static @Nullable Integer number(String version) {
        return version.equals("latest") ? null : Integer.valueOf(version);
    }

    /** @param type one of the types this service runs; fixed for the evaluator's life */
    record CreateEvaluatorRequest(
            @NotBlank @Size(max = 255) @Pattern(regexp = "[^/]+", message = "must not contain '/'")
            String name,

            @Nullable @Size(max = 10_000) String description,
            @NotBlank @Size(max = 64) String type,
            @Nullable JsonNode config) {}

    /** @param baseVersion the version the new configuration was made from; optional */
    record AddVersionRequest(
            @Nullable JsonNode config, @Nullable @Min(1) Integer baseVersion) {}

    /** What a dry run scores: an output beside what was expected, as an experiment's item would give it. */
    record SubjectRequest(
            @Nullable String output,
            @Nullable String expectedOutput,
            @Nullable Map<String, String> input,
            @Nullable @Min(0) Long latencyMs,
            @Nullable @DecimalMin("0") BigDecimal costUsd) {
        Subject toSubject() {
            return new Subject(
                    input == null ? Map.of() : input,
                    expectedOutput,
                    output,
                    latencyMs == null ? null : Duration.ofMillis(latencyMs),
                    costUsd);
        }
    }

    record EvaluatorResponse(
            UUID id,
            String name,
            String description,
            String type,
            int latestVersion,
            VersionResponse latest,
            @Nullable UUID createdBy,
            Instant createdAt,
            Instant updatedAt) {
        static EvaluatorResponse from(Evaluator evaluator) {
            return new EvaluatorResponse(
                    evaluator.id().value(),
                    evaluator.name(),
                    evaluator.description(),
                    evaluator.type(),
                    evaluator.latest().version(),
                    VersionResponse.from(evaluator.latest()),
                    evaluator.createdBy() == null ? null : evaluator.createdBy().value(),
                    evaluator.createdAt(),
                    evaluator.updatedAt());
        }
    }

    /** @param id what a score and an experiment pin */
    record VersionResponse(
            UUID id,
            UUID evaluatorId,
            int version,
            String type,
            JsonNode config,
            @Nullable UUID createdBy,
            Instant createdAt) {
        static VersionResponse from(EvaluatorVersion version) {
            return new VersionResponse(
                    version.id(),
                    version.evaluatorId().value(),
                    version.version(),
                    version.type(),
                    version.config(),
                    version.createdBy() == null ? null : version.createdBy().value(),
                    version.createdAt());
        }
    }

    /**
     * A dry run's outcome, shaped as a score: {@code kind} and {@code value} (with {@code min} and {@code max} for a
     * number), or the {@code error} that kept the evaluator from scoring.
     */
    record VerdictResponse(
            @Nullable String kind,
            @Nullable Object value,
            @Nullable Double min,
            @Nullable Double max,
            @Nullable Boolean passed,
            @Nullable String comment,
            @Nullable String error,
            ScoreResponse.EvaluatorReference evaluator) {
        static VerdictResponse from(ConfiguredEvaluator configured, Verdict verdict) {
            var evaluator = new ScoreResponse.EvaluatorReference(
                    configured.evaluatorId().value(), configured.version(), configured.evaluatorVersionId());
            return switch (verdict) {
                case Verdict.Scored scored ->
                    new VerdictResponse(
                            ScoreRepository.kind(scored.value()),
                            ScoreResponse.plain(scored.value()),
                            scored.value() instanceof ScoreValue.Numeric n ? n.min() : null,
                            scored.value() instanceof ScoreValue.Numeric n ? n.max() : null,
                            scored.passed(),
                            scored.reasoning(),
                            null,
                            evaluator);
                case Verdict.Failed failed ->
                    new VerdictResponse(null, null, null, null, null, null, failed.reason(), evaluator);
            };
        }
    }
}
