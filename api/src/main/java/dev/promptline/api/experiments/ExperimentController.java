package dev.promptline.api.experiments;

import dev.promptline.api.evaluations.Score;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Experiments: started (202, run on the server), followed, cancelled, re-run, summarised and compared. */
@RestController
@RequestMapping("/api/v1/experiments")
@Validated
class ExperimentController {
    private final ExperimentService experiments;
    private final ExperimentEvents events;

    ExperimentController(ExperimentService experiments, ExperimentEvents events) {
        this.experiments = experiments;
        this.events = events;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            summary = "Starts an experiment: a prompt version (or label) on a model over a dataset version, scored by"
                    + " evaluators; answers 202 at once and runs on the server",
            description = "Everything is checked and pinned before anything runs: the prompt version (a label is"
                    + " resolved now), the model, the dataset version, the evaluator versions, and that every item"
                    + " has every variable the prompt needs (a 400 names the first that does not).")
    ResponseEntity<ExperimentResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateExperimentRequest request) {
        var created = experiments.create(
                caller,
                new ExperimentService.Request(
                        request.name(),
                        request.promptId(),
                        request.promptVersion(),
                        request.promptLabel(),
                        request.modelId(),
                        request.datasetId(),
                        request.datasetVersion(),
                        request.evaluators() == null
                                ? List.of()
                                : request.evaluators().stream()
                                        .map(ref ->
                                                new ExperimentService.EvaluatorRef(ref.evaluatorId(), ref.version()))
                                        .toList(),
                        request.repetitions() == null ? 1 : request.repetitions(),
                        request.concurrency() == null ? 4 : request.concurrency()));
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/experiments/" + created.id()))
                .body(ExperimentResponse.from(created));
    }

    @GetMapping
    Page<ExperimentResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return experiments.list(caller.organizationId(), pageToken, pageSize).map(ExperimentResponse::from);
    }

    @GetMapping("/{experimentId}")
    ExperimentResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId) {
        return ExperimentResponse.from(experiments.get(caller.organizationId(), new ExperimentId(experimentId)));
    }

    @GetMapping("/{experimentId}/runs")
    @Operation(summary = "The runs, item by item (repetitions together): execution, output, scores, status")
    Page<RunResponse> runs(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID experimentId,
            @RequestParam(required = false) @Nullable @Pattern(regexp = "queued|running|succeeded|failed|cancelled")
                    String status,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return experiments
                .runs(
                        caller.organizationId(),
                        new ExperimentId(experimentId),
                        status == null ? null : RunStatus.fromValue(status),
                        pageToken,
                        pageSize)
                .map(RunResponse::from);
    }

    @GetMapping(path = "/{experimentId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Progress as Server-Sent Events: the current state first, a run event as each run ends, and the"
                    + " summary when the experiment ends")
    void events(@AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId, HttpServletResponse response)
            throws IOException {
        events.stream(caller.organizationId(), new ExperimentId(experimentId), response);
    }

    @PostMapping("/{experimentId}/cancel")
    @Operation(summary = "Cancels the queued runs and the running executions; the experiment ends as cancelled")
    ExperimentResponse cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId) {
        return ExperimentResponse.from(experiments.cancel(caller, new ExperimentId(experimentId)));
    }

    @PostMapping("/{experimentId}/rerun")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Runs the failed runs of an ended experiment again, with their evaluations; nothing else")
    ExperimentResponse rerun(@AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId) {
        return ExperimentResponse.from(experiments.rerunFailed(caller, new ExperimentId(experimentId)));
    }

    @GetMapping("/{experimentId}/summary")
    @Operation(
            summary = "Per evaluator: count, mean, standard deviation, Student t 95% interval over items, pass rate,"
                    + " errors; overall: cost, p50 and p95 latency, failed runs")
    ExperimentFigures.Summary summary(@AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId) {
        return experiments.summary(caller.organizationId(), new ExperimentId(experimentId));
    }

    @GetMapping("/{experimentId}/compare/{otherId}")
    @Operation(
            summary = "Compares experiment otherId (the candidate) with this one (the baseline) on the same dataset"
                    + " version, item by item: improvements, regressions, and a paired t-test per evaluator")
    ExperimentFigures.Comparison compare(
            @AuthenticationPrincipal Caller caller, @PathVariable UUID experimentId, @PathVariable UUID otherId) {
        return experiments.compare(caller.organizationId(), new ExperimentId(experimentId), new ExperimentId(otherId));
    }

    record EvaluatorRequest(
            @NotNull UUID evaluatorId, @Nullable @Min(1) Integer version) {}

    /**
     * @param promptVersion the version to run; with {@code promptLabel}, the one the label points at now (resolved
     *     once); neither: the newest
     */
    record CreateExperimentRequest(
            @Nullable @Size(min = 1, max = 255) String name,
            @NotNull UUID promptId,
            @Nullable @Min(1) Integer promptVersion,
            @Nullable @Size(min = 1, max = 100) String promptLabel,
            @Nullable UUID modelId,
            @NotNull UUID datasetId,
            @Nullable @Min(1) Integer datasetVersion,

            @Nullable @Size(max = ExperimentService.MAX_EVALUATORS)
            List<@Valid @NotNull EvaluatorRequest> evaluators,

            @Nullable @Min(1) @Max(ExperimentService.MAX_REPETITIONS)
            Integer repetitions,

            @Nullable @Min(1) @Max(ExperimentService.MAX_CONCURRENCY)
            Integer concurrency) {}

    record RunCounts(int total, int queued, int running, int succeeded, int failed, int cancelled, int finished) {
        static RunCounts from(Experiment.Counts counts) {
            return new RunCounts(
                    counts.total(),
                    counts.queued(),
                    counts.running(),
                    counts.succeeded(),
                    counts.failed(),
                    counts.cancelled(),
                    counts.finished());
        }
    }

    record ExperimentResponse(
            UUID id,
            String name,
            String status,
            @Nullable UUID promptId,
            @Nullable UUID promptVersionId,
            int promptVersion,
            @Nullable String promptLabel,
            @Nullable UUID modelId,
            UUID datasetId,
            UUID datasetVersionId,
            int datasetVersion,
            List<PinnedEvaluator> evaluators,
            int repetitions,
            int concurrency,
            RunCounts runs,
            @Nullable BigDecimal costUsd,
            @Nullable String errorMessage,
            @Nullable UUID createdBy,
            Instant createdAt,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {
        static ExperimentResponse from(Experiment experiment) {
            return new ExperimentResponse(
                    experiment.id().value(),
                    experiment.name(),
                    experiment.status().value(),
                    experiment.promptId(),
                    experiment.promptVersionId(),
                    experiment.promptVersion(),
                    experiment.promptLabel(),
                    experiment.modelId(),
                    experiment.datasetId(),
                    experiment.datasetVersionId(),
                    experiment.datasetVersion(),
                    experiment.evaluators(),
                    experiment.repetitions(),
                    experiment.concurrency(),
                    RunCounts.from(experiment.counts()),
                    experiment.costUsd(),
                    experiment.errorMessage(),
                    experiment.createdBy(),
                    experiment.createdAt(),
                    experiment.startedAt(),
                    experiment.finishedAt());
        }
    }

    record ScoreResponse(
            String name,
            @Nullable UUID evaluatorVersionId,
            @Nullable String kind,
            @Nullable Object value,
            @Nullable Boolean passed,
            @Nullable String reasoning,
            @Nullable String error) {
        static ScoreResponse from(Score score) {
            return new ScoreResponse(
                    score.name(),
                    score.evaluatorVersionId(),
                    switch (score.value()) {
                        case ScoreValue.Numeric numeric -> "numeric";
                        case ScoreValue.Bool bool -> "boolean";
                        case ScoreValue.Category category -> "category";
                        case null -> null;
                    },
                    switch (score.value()) {
                        case ScoreValue.Numeric numeric -> numeric.value();
                        case ScoreValue.Bool bool -> bool.value();
                        case ScoreValue.Category category -> category.value();
                        case null -> null;
                    },
                    score.passed(),
                    score.reasoning(),
                    score.error());
        }
    }

    record RunResponse(
            UUID id,
            UUID datasetItemId,
            int itemPosition,
            int repetition,
            String status,
            @Nullable UUID executionId,
            @Nullable String output,
            @Nullable Map<String, @Nullable String> error,
            int attempts,
            @Nullable Integer latencyMs,
            @Nullable BigDecimal costUsd,
            List<ScoreResponse> scores,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {
        static RunResponse from(ExperimentService.RunView view) {
            ExperimentRun run = view.run();
            Execution execution = view.execution();
            Map<String, @Nullable String> error = null;
            if (run.errorCode() != null) {
                error = new LinkedHashMap<>();
                error.put("code", run.errorCode());
                error.put("message", run.errorMessage());
            }
            return new RunResponse(
                    run.id(),
                    run.datasetItemId(),
                    run.itemPosition(),
                    run.repetition(),
                    run.status().value(),
                    run.executionId(),
                    execution == null ? null : execution.output(),
                    error,
                    run.attempts(),
                    run.latencyMs(),
                    run.costUsd(),
                    view.scores().stream().map(ScoreResponse::from).toList(),
                    run.startedAt(),
                    run.finishedAt());
        }
    }
}
