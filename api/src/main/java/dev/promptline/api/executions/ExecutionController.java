package dev.promptline.api.executions;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ParametersRequest;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.LogSafe;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executing prompts and reading their records. {@code POST /api/v1/prompts/{id}/execute} waits for the end and
 * answers with the record, or streams Server-Sent Events with {@code stream: true} or
 * {@code Accept: text/event-stream}.
 */
@RestController
@Validated
class ExecutionController {
    private static final Logger log = LoggerFactory.getLogger(ExecutionController.class);
    private static final String LABEL = "[a-z0-9][a-z0-9_.-]{0,99}";
    private static final String SECONDS = "\\d{1,6}(\\.\\d{1,3})?s";
    static final String REPLAYED = "Idempotent-Replayed";

    private final ExecutionService executions;
    private final JsonMapper json;
    private final ObjectProvider<ExecutionScores> scores;

    ExecutionController(ExecutionService executions, JsonMapper json, ObjectProvider<ExecutionScores> scores) {
        this.executions = executions;
        this.json = json;
        this.scores = scores;
    }

    /**
     * @param timeout the execution's deadline in seconds, as proto3's JSON writes durations: {@code "30s"},
     *     {@code "2.5s"}
     * @param fallbackModelIds models to fall back to, in order, instead of the version's; empty for none
     * @param firstTokenTimeout longest wait for each attempt's first token, over each model's own
     * @param idleTimeout longest wait between two tokens, over each model's own
     */
    record ExecuteRequest(
            @Nullable Map<String, String> variables,
            @Nullable @Min(1) Integer version,
            @Nullable @Pattern(regexp = LABEL) String label,
            @Nullable UUID modelId,
            @Nullable @Valid ParametersRequest parameters,

            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"30s\"")
            String timeout,

            @Nullable Boolean stream,

            @Nullable @Size(max = PromptService.MAX_FALLBACK_MODELS)
            List<@NotNull UUID> fallbackModelIds,

            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"5s\"")
            String firstTokenTimeout,

            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"10s\"")
            String idleTimeout,

            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"3600s\"")
            String cacheTtl,

            @Nullable @Size(min = 1, max = 255) String splitKey) {}

    @PostMapping(
            path = "/api/v1/prompts/{promptId}/execute",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    @ResponseStatus(HttpStatus.OK)
    @Nullable
    ResponseEntity<ExecutionResponse> execute(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @Valid @RequestBody ExecuteRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable @Size(max = 255) String idempotencyKey,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) @Nullable String accept,
            HttpServletResponse response) {
        var execution = new ExecutionRequest(
                        caller.organizationId(),
                        caller.userId(),
                        new PromptId(promptId),
                        request.version(),
                        request.label(),
                        request.variables() == null ? Map.of() : request.variables(),
                        request.modelId(),
                        request.parameters() == null
                                ? ModelParameters.NONE
                                : request.parameters().toParameters(),
                        request.timeout() == null ? null : seconds(request.timeout()),
                        idempotencyKey == null
                                ? null
                                : new ExecutionRequest.Idempotency(idempotencyKey, fingerprint(promptId, request)))
                .withRouting(new ExecutionRequest.Routing(
                        request.fallbackModelIds(),
                        request.firstTokenTimeout() == null ? null : seconds(request.firstTokenTimeout()),
                        request.idleTimeout() == null ? null : seconds(request.idleTimeout())));
        if (request.cacheTtl() != null) {
            execution = execution.withCacheTtl(seconds(request.cacheTtl()));
        }
        execution = execution.withSplitKey(request.splitKey());
        boolean streamed = Boolean.TRUE.equals(request.stream())
                || (request.stream() == null && accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE));
        if (!streamed) {
            var result = executions.execute(execution, ExecutionListener.NONE);
            return result.replayed() ? replay(caller, result.execution(), response) : answer(result);
        }
        var events = new ServerSentEvents(response, json);
        ExecutionService.Result result;
        try {
            result = executions.execute(execution, events);
        } catch (RuntimeException e) {
            if (!events.isOpen()) {
                throw e; // nothing sent yet: a plain problem detail with its status code
            }
            // The status line went out with the first event: the failure can only be the stream's last event.
            endWithError(events, e);
            return null;
        }
        Execution finished = result.execution();
        if (result.replayed()) {
            replay(caller, finished, response, events);
            return null;
        }
        if (!events.isOpen()) {
            // Refused before the runtime accepted it, or a replay: a plain answer with a status code.
            return answer(result);
        }
        try {
            if (finished.status() == ExecutionStatus.SUCCEEDED) {
                events.completed(finished);
            } else {
                events.failed(finished, problem(ExecutionFailures.of(finished)));
            }
        } catch (ExecutionListener.ClientGoneException e) {
            // The client left; its record is finished all the same.
        }
        return null;
    }

    @GetMapping("/api/v1/executions")
    Page<ExecutionResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable UUID promptId,
            @RequestParam(required = false) @Nullable @Min(1) Integer version,
            @RequestParam(required = false) @Nullable UUID modelId,
            @RequestParam(required = false)
                    @Nullable
                    @Pattern(regexp = "pending|running|succeeded|failed|cancelled|timed_out")
                    String status,
            @RequestParam(required = false) @Nullable Instant createdAfter,
            @RequestParam(required = false) @Nullable Instant createdBefore,
            @RequestParam(required = false) @Nullable @Pattern(regexp = "live|experiment") String origin,
            @RequestParam(required = false) @Nullable UUID experimentId,
            @RequestParam(required = false) @Nullable @Pattern(regexp = LABEL) String label,
            @RequestParam(required = false) @Nullable UUID splitId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        var filter = new ExecutionFilter(
                promptId,
                version,
                modelId,
                status == null ? null : ExecutionStatus.fromValue(status),
                createdAfter,
                createdBefore,
                origin == null ? null : origin.equals("experiment"),
                experimentId,
                label,
                splitId);
        return executions
                .list(caller.organizationId(), filter, pageToken, pageSize)
                .map(ExecutionResponse::from);
    }

    @GetMapping("/api/v1/executions/{executionId}")
    ExecutionResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID executionId) {
        Execution execution = executions.get(caller.organizationId(), executionId);
        ExecutionScores given = scores.getIfAvailable();
        return ExecutionResponse.from(execution, given == null ? null : given.of(caller.organizationId(), executionId));
    }

    /** 202: the cancel is on its way to whichever replica runs the execution; read the record to see it end. */
    @PostMapping("/api/v1/executions/{executionId}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    ResponseEntity<ExecutionResponse> cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID executionId) {
        Execution execution = executions.cancel(caller.organizationId(), executionId);
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/executions/" + executionId))
                .body(ExecutionResponse.from(execution));
    }

    /**
     * A retry with an Idempotency-Key answered as the first request was, once the execution ended: its record, or the
     * same problem with the same status code when it did not succeed.
     */
    private ResponseEntity<ExecutionResponse> replay(Caller caller, Execution earlier, HttpServletResponse response) {
        Execution execution = executions.awaitEnd(caller.organizationId(), earlier.id(), ExecutionListener.NONE);
        response.setHeader(REPLAYED, "true");
        return answer(new ExecutionService.Result(execution, true));
    }

    /**
     * A streaming retry with an Idempotency-Key: the events a client would have read, from {@code started} to the
     * terminal event, with the whole output as one {@code token_delta}. Keep-alive comments while the first request's
     * execution still runs.
     */
    private void replay(Caller caller, Execution earlier, HttpServletResponse response, ServerSentEvents events) {
        response.setHeader(REPLAYED, "true");
        try {
            events.started(earlier);
            Execution execution = executions.awaitEnd(caller.organizationId(), earlier.id(), events);
            if (execution.output() != null && !execution.output().isEmpty()) {
                events.token(execution.output());
            }
            if (execution.status() == ExecutionStatus.SUCCEEDED) {
                events.completed(execution);
            } else if (execution.status().isTerminal()) {
                events.failed(execution, problem(ExecutionFailures.of(execution)));
            } else {
                events.aborted(problem(new PromptlineException(
                        ErrorCode.EXECUTION_FAILED,
                        "The execution this Idempotency-Key started has not ended long after its deadline; read it"
                                + " by its id later.")));
            }
        } catch (ExecutionListener.ClientGoneException e) {
            // The client left; the execution is the first request's and runs on.
        }
    }

    private static ResponseEntity<ExecutionResponse> answer(ExecutionService.Result result) {
        Execution execution = result.execution();
        if (execution.status().isTerminal() && execution.status() != ExecutionStatus.SUCCEEDED) {
            throw ExecutionFailures.of(execution);
        }
        var answer = ResponseEntity.ok().location(URI.create("/api/v1/executions/" + execution.id()));
        if (result.replayed()) {
            answer.header(REPLAYED, "true");
        }
        return answer.body(ExecutionResponse.from(execution));
    }

    /**
     * Ends a stream whose execution broke on the api's side after it started, typically because its record could not
     * be finished while the database is down. The record stays unfinished until the sweep closes it.
     */
    private static void endWithError(ServerSentEvents events, RuntimeException e) {
        PromptlineException failure;
        if (e instanceof PromptlineException known) {
            log.warn("Execution {} ended without its record: {}", events.executionId(), known.getMessage());
            failure = known;
        } else {
            // One short line, as for every unexpected error (platform.web.ProblemDetailsAdvice); the trace at DEBUG.
            log.error("Execution {} failed unexpectedly: {}", events.executionId(), LogSafe.summary(e));
            log.debug("Stack trace of the failure of execution {}", events.executionId(), e);
            failure = new PromptlineException(
                    ErrorCode.INTERNAL, "An unexpected error occurred. Quote the requestId when reporting it.");
        }
        try {
            events.aborted(problem(failure));
        } catch (ExecutionListener.ClientGoneException gone) {
            // The client left too.
        }
    }

    private static Map<String, Object> problem(PromptlineException failure) {
        var problem = new LinkedHashMap<String, Object>();
        problem.put("code", failure.code().name());
        problem.put("status", failure.code().status());
        problem.put("detail", failure.getMessage());
        return problem;
    }

    private static Duration seconds(String timeout) {
        var seconds = new BigDecimal(timeout.substring(0, timeout.length() - 1));
        return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
    }

    /** What the request asked for, so an Idempotency-Key sent again with another request is caught. */
    private String fingerprint(UUID promptId, ExecuteRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((promptId + json.writeValueAsString(request)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
