package dev.promptline.api.openai;

import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionFailures;
import dev.promptline.api.executions.ExecutionListener;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.Prompt;
import dev.promptline.api.prompts.PromptService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's {@code /v1/chat/completions}, {@code /v1/responses} and {@code /v1/models} over the execution core: each
 * completion or response is an ordinary
 * recorded execution, its id in {@code x-promptline-execution-id}. Described by docs/openai-compatibility.md rather
 * than by the OpenAPI document, whose problem details these routes do not answer.
 */
@RestController
@Hidden
class OpenAiController {
    private final ExecutionService executions;
    private final ChatCompletions completions;
    private final SdkRetries retries;
    private final ModelService models;
    private final PromptService prompts;
    private final OpenAiJson json;

    OpenAiController(
            ExecutionService executions,
            ChatCompletions completions,
            SdkRetries retries,
            ModelService models,
            PromptService prompts,
            OpenAiJson json) {
        this.executions = executions;
        this.completions = completions;
        this.retries = retries;
        this.models = models;
        this.prompts = prompts;
        this.json = json;
    }

    @PostMapping(
            path = "/v1/chat/completions",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    @ResponseStatus(HttpStatus.OK)
    @Nullable
    ResponseEntity<String> chatCompletions(
            @AuthenticationPrincipal Caller caller,
            @RequestBody JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = SdkRetries.RETRY_COUNT_HEADER, required = false) @Nullable String retryCount,
            HttpServletResponse response) {
        ChatCompletionRequest request = ChatCompletionRequest.parse(body);
        checkIdempotencyKey(idempotencyKey);
        String fingerprint = fingerprint("chat.completions", body);
        ExecutionRequest execution = completions.toExecution(caller, request, idempotency(idempotencyKey, fingerprint));
        var wire = new Wire(
                request.stream(),
                finished -> ChatCompletions.completion(finished, request.model()),
                () -> new ChatCompletionChunks(response, json, request.model(), request.includeUsage()));
        return run(caller, execution, wire, fingerprint, idempotencyKey, retryCount, response);
    }

    /**
     * The Responses API over a saved prompt ({@code prompt: {id, version, variables}}) or a model: an ordinary recorded
     * execution like a chat completion, answered as a {@code response} or streamed as its events.
     */
    @PostMapping(
            path = "/v1/responses",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    @ResponseStatus(HttpStatus.OK)
    @Nullable
    ResponseEntity<String> responses(
            @AuthenticationPrincipal Caller caller,
            @RequestBody JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = SdkRetries.RETRY_COUNT_HEADER, required = false) @Nullable String retryCount,
            HttpServletResponse response) {
        ResponsesRequest request = ResponsesRequest.parse(body);
        checkIdempotencyKey(idempotencyKey);
        String fingerprint = fingerprint("responses", body);
        ExecutionRequest execution = completions.toExecution(caller, request, idempotency(idempotencyKey, fingerprint));
        var wire = new Wire(
                request.stream(),
                finished -> Responses.response(finished, request),
                () -> new ResponseEvents(response, json, request));
        return run(caller, execution, wire, fingerprint, idempotencyKey, retryCount, response);
    }

    /** How one route answers: a whole body, or a stream of its events. */
    private record Wire(boolean stream, Function<Execution, Map<String, Object>> body, Supplier<AnswerStream> events) {}

    /**
     * Runs an execution for one of the routes: a retry of an SDK's (or with a known Idempotency-Key) gets the first
     * attempt's execution, anything else runs, plain or streamed.
     */
    private @Nullable ResponseEntity<String> run(
            Caller caller,
            ExecutionRequest execution,
            Wire wire,
            String fingerprint,
            @Nullable String idempotencyKey,
            @Nullable String retryCount,
            HttpServletResponse response) {
        if (idempotencyKey == null && SdkRetries.isRetry(retryCount)) {
            Optional<Execution> first = retries.firstAttempt(caller, fingerprint)
                    .map(id -> executions.get(caller.organizationId(), id))
                    .filter(OpenAiController::worthReplaying);
            if (first.isPresent()) {
                return replay(caller, wire, first.get(), response);
            }
        }
        Consumer<Execution> remember =
                idempotencyKey != null ? started -> {} : started -> retries.remember(caller, fingerprint, started.id());
        if (!wire.stream()) {
            ExecutionService.Result result =
                    executions.execute(execution, new Remembering(ExecutionListener.NONE, remember));
            if (result.replayed()) {
                return replay(caller, wire, result.execution(), response);
            }
            return answer(result.execution(), wire, response);
        }
        AnswerStream events = wire.events().get();
        ExecutionService.Result result;
        try {
            result = executions.execute(execution, new Remembering(events, remember));
        } catch (RuntimeException e) {
            if (!events.isOpen()) {
                throw e; // nothing sent yet: a plain error with its status code
            }
            endWithError(events, e);
            return null;
        }
        if (result.replayed()) {
            return replay(caller, wire, result.execution(), response);
        }
        Execution finished = result.execution();
        if (!events.isOpen()) {
            return answer(finished, wire, response);
        }
        try {
            if (finished.status() == ExecutionStatus.SUCCEEDED) {
                events.finished(finished);
            } else {
                events.failed(OpenAiErrors.of(ExecutionFailures.of(finished)), finished);
            }
        } catch (ExecutionListener.ClientGoneException e) {
            // The client left; its record is finished all the same.
        }
        return null;
    }

    /**
     * The registered models (enabled ones) by name, and the saved prompts as {@code prompt:<name>}: what a client may
     * send as {@code model}.
     */
    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    String models(@AuthenticationPrincipal Caller caller) {
        var data = new ArrayList<Map<String, Object>>();
        for (Model model : all(token -> models.list(caller, null, true, token, Cursor.MAX_PAGE_SIZE))) {
            data.add(model(model.name(), model.createdAt().getEpochSecond()));
        }
        for (Prompt prompt : all(token -> prompts.list(caller, null, null, null, token, Cursor.MAX_PAGE_SIZE))) {
            data.add(model(
                    ModelReference.PROMPT_PREFIX + prompt.name(),
                    prompt.createdAt().getEpochSecond()));
        }
        return json.write(Map.of("object", "list", "data", data));
    }

    /**
     * Every other path under {@code /v1}: OpenAI's 404 instead of a problem detail, so that a client asking for an
     * endpoint this API does not have (embeddings, images) is told so in the shape its SDK reads.
     */
    @RequestMapping("/v1/**")
    void unknown(HttpServletRequest request) {
        throw new OpenAiException(new OpenAiError(
                404,
                ("Unknown request URL: %s %s. This API serves POST /v1/chat/completions, POST /v1/responses and"
                                + " GET /v1/models.")
                        .formatted(request.getMethod(), request.getRequestURI()),
                OpenAiErrors.INVALID_REQUEST,
                null,
                "unknown_url"));
    }

    /** A retry gets the first attempt's answer only if that can still be a success; a failure is worth running again. */
    private static boolean worthReplaying(Execution first) {
        return !first.status().isTerminal() || first.status() == ExecutionStatus.SUCCEEDED;
    }

    /**
     * A retry answered with the execution its first attempt (or its Idempotency-Key) started, once it ended: the same
     * answer, or the same error; a stream gets the whole output as one delta.
     */
    private @Nullable ResponseEntity<String> replay(
            Caller caller, Wire wire, Execution earlier, HttpServletResponse response) {
        response.setHeader("Idempotent-Replayed", "true");
        if (!wire.stream()) {
            return answer(
                    executions.awaitEnd(caller.organizationId(), earlier.id(), ExecutionListener.NONE), wire, response);
        }
        AnswerStream events = wire.events().get();
        try {
            events.started(earlier);
            Execution execution = executions.awaitEnd(caller.organizationId(), earlier.id(), events);
            if (execution.status() == ExecutionStatus.SUCCEEDED) {
                if (execution.output() != null && !execution.output().isEmpty()) {
                    events.token(execution.output());
                }
                events.finished(execution);
            } else if (execution.status().isTerminal()) {
                events.failed(OpenAiErrors.of(ExecutionFailures.of(execution)), execution);
            } else {
                events.failed(
                        OpenAiErrors.of(
                                ErrorCode.EXECUTION_FAILED,
                                "The execution the first attempt started has not ended long after its deadline; read"
                                        + " it as execution " + execution.id() + " later."),
                        null);
            }
        } catch (ExecutionListener.ClientGoneException e) {
            // The client left; the execution is the first attempt's and runs on.
        }
        return null;
    }

    private ResponseEntity<String> answer(Execution execution, Wire wire, HttpServletResponse response) {
        response.setHeader(ChatCompletions.EXECUTION_ID_HEADER, execution.id().toString());
        if (execution.status() != ExecutionStatus.SUCCEEDED) {
            throw ExecutionFailures.of(execution);
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(json.write(wire.body().apply(execution)));
    }

    private static void endWithError(AnswerStream events, RuntimeException e) {
        OpenAiError error = e instanceof PromptlineException known
                ? OpenAiErrors.of(known)
                : OpenAiErrors.of(
                        ErrorCode.INTERNAL, "An unexpected error occurred. Quote the x-request-id when reporting it.");
        OpenAiErrorAdvice.log(e);
        try {
            events.failed(error, null);
        } catch (ExecutionListener.ClientGoneException gone) {
            // The client left too.
        }
    }

    private static Map<String, Object> model(String id, long created) {
        var model = new LinkedHashMap<String, Object>();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", "promptline");
        return model;
    }

    private static <T> List<T> all(Function<@Nullable String, Page<T>> page) {
        var items = new ArrayList<T>();
        String token = null;
        do {
            Page<T> next = page.apply(token);
            items.addAll(next.items());
            token = next.nextPageToken();
        } while (token != null);
        return items;
    }

    private static void checkIdempotencyKey(@Nullable String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new OpenAiException(new OpenAiError(
                    400,
                    "The Idempotency-Key header must be 1 to 255 characters.",
                    OpenAiErrors.INVALID_REQUEST,
                    null,
                    "invalid_idempotency_key"));
        }
    }

    private static ExecutionRequest.@Nullable Idempotency idempotency(
            @Nullable String idempotencyKey, String fingerprint) {
        return idempotencyKey == null ? null : new ExecutionRequest.Idempotency(idempotencyKey, fingerprint);
    }

    /** What the request asked for: the same body sent again to the same route is the same request. */
    private static String fingerprint(String route, JsonNode body) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest((route + " " + body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A watcher, and who must know the execution's id as soon as it runs (the first attempt, for SDK retries). */
    private record Remembering(ExecutionListener watcher, Consumer<Execution> onStarted) implements ExecutionListener {
        @Override
        public void started(Execution execution) {
            onStarted.accept(execution);
            watcher.started(execution);
        }

        @Override
        public void token(String text) {
            watcher.token(text);
        }

        @Override
        public void idle() {
            watcher.idle();
        }

        @Override
        public void probe() {
            watcher.probe();
        }
    }
}
