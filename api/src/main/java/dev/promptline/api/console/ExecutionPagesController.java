package dev.promptline.api.console;

import dev.promptline.api.console.ExecutionViews.AttemptView;
import dev.promptline.api.console.ExecutionViews.Detail;
import dev.promptline.api.console.ExecutionViews.ExecutionFilters;
import dev.promptline.api.console.ExecutionViews.ExecutionPage;
import dev.promptline.api.console.ExecutionViews.ExecutionRow;
import dev.promptline.api.console.ExecutionViews.ExecutionsPage;
import dev.promptline.api.console.ExecutionViews.MessageView;
import dev.promptline.api.console.ExecutionViews.ScoreView;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionFilter;
import dev.promptline.api.executions.ExecutionScores;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptVersion;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * The execution pages: the list, filtered by prompt, version, model, status and time and paged by the service's keyset
 * page tokens (never an offset, never a count); one execution with the messages it sent, its output, usage, cost,
 * attempts, error and scores; and cancelling one that runs, as the REST API's cancel does.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ExecutionPagesController {
    private static final int PAGE_SIZE = 25;

    private final ExecutionService executions;
    private final PromptService prompts;
    private final ModelService models;
    private final ConsoleChoices choices;
    private final ObjectProvider<ExecutionScores> scores;
    private final JsonMapper json;

    ExecutionPagesController(
            ExecutionService executions,
            PromptService prompts,
            ModelService models,
            ConsoleChoices choices,
            ObjectProvider<ExecutionScores> scores,
            JsonMapper json) {
        this.executions = executions;
        this.prompts = prompts;
        this.models = models;
        this.choices = choices;
        this.scores = scores;
        this.json = json;
    }

    @GetMapping("/console/executions")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String promptId,
            @RequestParam(required = false) @Nullable String version,
            @RequestParam(required = false) @Nullable String modelId,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to,
            @RequestParam(required = false) @Nullable String pageToken,
            HttpServletResponse response,
            Model model) {
        var form = new ExecutionFilters(
                ExecutionFiltering.strip(promptId),
                ExecutionFiltering.strip(version),
                ExecutionFiltering.strip(modelId),
                ExecutionFiltering.strip(status),
                ExecutionFiltering.strip(from),
                ExecutionFiltering.strip(to));
        var errors = new ArrayList<String>();
        ExecutionFilter filter = ExecutionFiltering.read(form, errors);
        List<Choice> promptChoices = choices.prompts(caller);
        List<Choice> modelChoices = choices.models(caller, false);
        Names names = new Names(caller, promptChoices, modelChoices);
        // Where checked executions can be collected, for the roles that may change a dataset.
        List<Choice> datasetChoices = caller.role().isAtLeast(Role.MEMBER) ? choices.datasets(caller) : List.of();
        List<ExecutionRow> rows = List.of();
        String older = null;
        String token = pageToken == null || pageToken.isBlank() ? null : pageToken;
        if (filter != null) {
            try {
                Page<Execution> page = executions.list(caller.organizationId(), filter, token, PAGE_SIZE);
                rows = page.items().stream().map(names::row).toList();
                older = page.nextPageToken() == null ? null : listUrl(form, page.nextPageToken());
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
            }
        }
        if (!errors.isEmpty()) {
            response.setStatus(400);
        }
        model.addAttribute(
                "page",
                new ExecutionsPage(
                        form,
                        promptChoices,
                        modelChoices,
                        ExecutionFiltering.STATUSES,
                        datasetChoices,
                        rows,
                        older,
                        token == null ? null : listUrl(form, null),
                        errors));
        return "console/executions";
    }

    @GetMapping("/console/executions/{executionId}")
    String execution(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID executionId,
            @RequestParam(required = false) @Nullable String cancel,
            Model model) {
        Execution execution = executions.get(caller.organizationId(), executionId);
        var names = new Names(caller, List.of(), List.of());
        String notice = "requested".equals(cancel)
                ? "Cancel requested: the execution stops in a moment."
                : "ended".equals(cancel) ? "The execution had already ended." : null;
        var messages = new ArrayList<MessageView>();
        String messagesNote = messages(execution, messages);
        String promptName = execution.promptId() == null ? null : names.prompt(execution.promptId());
        model.addAttribute(
                "page",
                new ExecutionPage(
                        execution.id().toString(),
                        execution.status().value(),
                        !execution.status().isTerminal(),
                        promptName,
                        execution.promptId() == null ? null : "/console/prompts/" + execution.promptId(),
                        execution.promptVersion(),
                        names.model(execution),
                        execution.provider() + " · " + execution.providerModelId(),
                        details(execution),
                        messages,
                        messagesNote,
                        execution.input().variables().entrySet().stream()
                                .map(entry -> new Detail(entry.getKey(), entry.getValue()))
                                .toList(),
                        parameters(execution.input().parameters()),
                        execution.output(),
                        error(execution),
                        scores(caller, executionId),
                        names.attempts(execution),
                        execution.answeredBy() == null
                                ? null
                                : names.model(
                                        execution.answeredBy().id(),
                                        execution.answeredBy().providerModelId()),
                        execution.cachedFrom() == null
                                ? null
                                : execution.cachedFrom().toString(),
                        notice));
        return "console/execution";
    }

    /**
     * Asks the execution to stop, wherever it runs (as the REST API's cancel). htmx gets a status line to swap in;
     * a plain form goes back to the execution's page, which says what happened.
     */
    @PostMapping("/console/executions/{executionId}/cancel")
    String cancel(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID executionId,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        String message;
        boolean requested;
        try {
            executions.cancel(caller.organizationId(), executionId);
            message = "Cancel requested: the execution stops in a moment.";
            requested = true;
        } catch (PromptlineException refused) {
            if (refused.code() != ErrorCode.EXECUTION_FINISHED) {
                throw refused;
            }
            message = refused.getMessage();
            requested = false;
        }
        if (ConsoleSecurityConfiguration.isHtmx(request)) {
            if (!requested) {
                response.setStatus(ErrorCode.EXECUTION_FINISHED.status());
            }
            model.addAttribute("message", message);
            return "console/cancelled";
        }
        return "redirect:/console/executions/%s?cancel=%s".formatted(executionId, requested ? "requested" : "ended");
    }

    /** The messages the execution sent, rendered again from its immutable version; a note when that is not possible. */
    private @Nullable String messages(Execution execution, List<MessageView> into) {
        List<ChatMessage> sent = new ArrayList<>();
        String note = null;
        if (execution.promptId() != null && execution.promptVersion() != null) {
            try {
                PromptVersion version = prompts.get(
                                execution.organizationId(),
                                new PromptId(execution.promptId()),
                                new PromptService.Selector(execution.promptVersion(), null))
                        .version();
                sent.addAll(prompts.render(version, execution.input().variables()));
            } catch (PromptlineException gone) {
                note = "The prompt's version %d is no longer stored, so the messages it rendered cannot be shown; the"
                                .formatted(execution.promptVersion())
                        + " variables it was given are below.";
            }
        }
        sent.addAll(execution.input().messages());
        sent.forEach(message -> into.add(new MessageView(message.role(), message.content())));
        return note;
    }

    private static List<Detail> details(Execution execution) {
        var details = new ArrayList<Detail>();
        details.add(new Detail("Created", Figures.time(execution.createdAt())));
        details.add(new Detail("Started", Figures.time(execution.startedAt())));
        details.add(new Detail("Finished", Figures.time(execution.finishedAt())));
        details.add(new Detail("Latency", Figures.latency(execution.latencyMs())));
        details.add(new Detail("First token after", Figures.latency(execution.timeToFirstTokenMs())));
        details.add(new Detail("Tokens", Figures.tokens(execution.tokensInput(), execution.tokensOutput())));
        details.add(new Detail("Cost", Figures.cost(execution.costUsd())));
        details.add(new Detail(
                "Attempts",
                execution.attempts() == null ? "—" : execution.attempts().toString()));
        details.add(new Detail(
                "Finish reason",
                execution.finishReason() == null
                        ? "—"
                        : execution.finishReason().value()));
        details.add(new Detail("Request id", execution.requestId() == null ? "—" : execution.requestId()));
        if (execution.traceId() != null) {
            details.add(new Detail("Trace id", execution.traceId()));
        }
        return details;
    }

    private static List<Detail> parameters(ModelParameters parameters) {
        return List.of(
                new Detail("temperature", shown(parameters.temperature())),
                new Detail("topP", shown(parameters.topP())),
                new Detail("maxTokens", shown(parameters.maxTokens())),
                new Detail("stop", parameters.stop() == null ? "(default)" : String.join(", ", parameters.stop())));
    }

    private static @Nullable String error(Execution execution) {
        if (execution.error() == null && execution.errorMessage() == null) {
            return null;
        }
        String code =
                execution.error() == null ? "" : execution.error().name().toLowerCase(java.util.Locale.ROOT) + ": ";
        return code + (execution.errorMessage() == null ? "no detail recorded." : execution.errorMessage());
    }

    private List<ScoreView> scores(Caller caller, UUID executionId) {
        ExecutionScores given = scores.getIfAvailable();
        if (given == null) {
            return List.of();
        }
        return given.of(caller.organizationId(), executionId).stream()
                .map(score -> {
                    Map<?, ?> fields = json.convertValue(score, Map.class);
                    Object error = fields.get("error");
                    return new ScoreView(
                            String.valueOf(fields.get("name")),
                            error != null ? "not scored: " + error : shown(fields.get("value")),
                            fields.get("passed") == null
                                    ? "—"
                                    : Boolean.TRUE.equals(fields.get("passed")) ? "passed" : "failed",
                            fields.get("comment") == null ? "" : String.valueOf(fields.get("comment")));
                })
                .toList();
    }

    private static String shown(@Nullable Object value) {
        return value == null ? "(default)" : value.toString();
    }

    private static String listUrl(ExecutionFilters form, @Nullable String pageToken) {
        var query = new LinkedHashMap<String, String>();
        query.put("promptId", form.promptId());
        query.put("version", form.version());
        query.put("modelId", form.modelId());
        query.put("status", form.status());
        query.put("from", form.from());
        query.put("to", form.to());
        if (pageToken != null) {
            query.put("pageToken", pageToken);
        }
        var url = new StringBuilder("/console/executions");
        char separator = '?';
        for (var entry : query.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                url.append(separator)
                        .append(entry.getKey())
                        .append('=')
                        .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
                separator = '&';
            }
        }
        return url.toString();
    }

    /** Names of prompts and models for one page, each looked up once; the records keep what ran when they are gone. */
    private final class Names {
        private final Caller caller;
        private final Map<UUID, String> prompts = new HashMap<>();
        private final Map<UUID, String> models = new HashMap<>();

        Names(Caller caller, List<Choice> promptChoices, List<Choice> modelChoices) {
            this.caller = caller;
            promptChoices.forEach(choice -> prompts.put(UUID.fromString(choice.value()), choice.label()));
            modelChoices.forEach(choice -> models.put(UUID.fromString(choice.value()), choice.label()));
        }

        ExecutionRow row(Execution execution) {
            String prompt = execution.promptId() == null
                    ? "(model called without a prompt)"
                    : prompt(execution.promptId())
                            + (execution.promptVersion() == null ? "" : " · v" + execution.promptVersion());
            return new ExecutionRow(
                    execution.id().toString(),
                    Figures.time(execution.createdAt()),
                    prompt,
                    model(execution),
                    execution.status().value(),
                    Figures.tokens(execution.tokensInput(), execution.tokensOutput()),
                    Figures.cost(execution.costUsd()),
                    Figures.latency(execution.latencyMs()));
        }

        String prompt(UUID promptId) {
            return prompts.computeIfAbsent(promptId, id -> {
                try {
                    return ExecutionPagesController.this
                            .prompts
                            .get(caller, new PromptId(id), new PromptService.Selector(null, null))
                            .prompt()
                            .name();
                } catch (PromptlineException gone) {
                    return "(deleted prompt)";
                }
            });
        }

        String model(Execution execution) {
            return model(execution.modelId(), execution.providerModelId());
        }

        /** A registered model's name; its provider's id for the model once it is deleted. */
        String model(@Nullable UUID modelId, String providerModelId) {
            if (modelId == null) {
                return providerModelId;
            }
            return models.computeIfAbsent(
                    modelId,
                    id -> ExecutionPagesController.this
                            .models
                            .find(caller.organizationId(), new dev.promptline.api.models.ModelId(id))
                            .map(found -> found.name())
                            .orElse(providerModelId));
        }

        /** Every provider attempt: the model it called and how it ended. */
        List<AttemptView> attempts(Execution execution) {
            return execution.attemptLog().stream()
                    .map(attempt -> new AttemptView(
                            attempt.attempt(),
                            model(attempt.model().id(), attempt.model().providerModelId()),
                            attempt.model().provider() + " · " + attempt.model().providerModelId(),
                            attempt.error() == null
                                    ? (attempt.errorMessage() == null ? "answered" : attempt.errorMessage())
                                    : attempt.error().value()
                                            + (attempt.errorMessage() == null ? "" : ": " + attempt.errorMessage()),
                            attempt.error() == null && attempt.errorMessage() == null))
                    .toList();
        }
    }
}
