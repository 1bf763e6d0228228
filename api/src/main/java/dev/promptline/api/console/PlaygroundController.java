package dev.promptline.api.console;

import dev.promptline.api.console.PlaygroundViews.Conflict;
import dev.promptline.api.console.PlaygroundViews.EditorForm;
import dev.promptline.api.console.PlaygroundViews.ModelOption;
import dev.promptline.api.console.PlaygroundViews.PlaygroundPage;
import dev.promptline.api.console.PlaygroundViews.Preview;
import dev.promptline.api.console.PlaygroundViews.RunEnded;
import dev.promptline.api.console.PlaygroundViews.RunPanel;
import dev.promptline.api.console.PlaygroundViews.RunRefused;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionListener;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.LogSafe;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptService.Resolved;
import dev.promptline.api.prompts.PromptService.Selector;
import dev.promptline.api.prompts.PromptTemplate;
import dev.promptline.api.prompts.PromptVersion;
import gg.jte.TemplateEngine;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A prompt's editor and playground. The editor saves its edit as a new version on top of the version it opened, and
 * says so in words when someone else saved one meanwhile (the REST API's stale base check). The playground runs a
 * version with the variables, model and parameters of its form through {@link ExecutionService}, as the REST API's
 * execute does, so every run is a recorded execution; its tokens stream into the page over htmx's SSE extension.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class PlaygroundController {
    private static final Logger log = LoggerFactory.getLogger(PlaygroundController.class);
    private static final int MAX_MODELS = 100;

    private final PromptService prompts;
    private final ModelService models;
    private final ExecutionService executions;
    private final PlaygroundRuns runs;
    private final TemplateEngine templates;

    PlaygroundController(
            PromptService prompts,
            ModelService models,
            ExecutionService executions,
            PlaygroundRuns runs,
            TemplateEngine templates) {
        this.prompts = prompts;
        this.models = models;
        this.executions = executions;
        this.runs = runs;
        this.templates = templates;
    }

    @GetMapping("/console/prompts/{promptId}/playground")
    String playground(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam(required = false) @Nullable Integer saved,
            org.springframework.ui.Model model) {
        Resolved latest = newest(caller, promptId);
        String notice =
                saved != null && saved == latest.version().version() ? "Saved as version %d.".formatted(saved) : null;
        model.addAttribute(
                "page", page(caller, latest, PlaygroundForms.editor(latest.version()), notice, List.of(), null, null));
        return "console/playground";
    }

    @PostMapping("/console/prompts/{promptId}/versions")
    String save(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam MultiValueMap<String, String> form,
            org.springframework.ui.Model model,
            HttpServletResponse response) {
        int base = positive(form.getFirst("baseVersion"), "baseVersion");
        EditorForm edit = PlaygroundForms.editor(form);
        var errors = new ArrayList<>(PlaygroundForms.mistakes(edit));
        var parameters = PlaygroundForms.parameters(edit.temperature(), edit.topP(), edit.maxTokens(), edit.stop());
        errors.addAll(parameters.errors());
        UUID modelId = PlaygroundForms.modelId(edit.modelId(), errors);
        PromptTemplate template = PlaygroundForms.template(edit);
        if (errors.isEmpty()) {
            try {
                // The editor does not show fallbacks or the cache (yet): the new version keeps its base's.
                PromptVersion baseVersion = version(caller, promptId, base).version();
                PromptVersion saved = prompts.addVersion(
                        caller,
                        new PromptId(promptId),
                        base,
                        new PromptService.Draft(
                                template,
                                modelId,
                                parameters.parameters(),
                                baseVersion.fallbackModelIds(),
                                baseVersion.cacheTtl(),
                                edit.commitMessage()));
                return "redirect:/console/prompts/%s/playground?saved=%d".formatted(promptId, saved.version());
            } catch (PromptlineException refused) {
                if (refused.code() == ErrorCode.VERSION_CONFLICT) {
                    return conflict(caller, promptId, base, edit, template, model, response);
                }
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
            }
        }
        response.setStatus(422);
        Resolved edited = version(caller, promptId, base);
        model.addAttribute(
                "page", page(caller, edited, PlaygroundForms.withEmptyMessage(edit), null, errors, null, null));
        return "console/playground";
    }

    /**
     * The unsaved edit against the version it started from, with the edit kept in the form: nothing is saved. A POST,
     * as the edit can be long, and only for those who may save it.
     */
    @PostMapping("/console/prompts/{promptId}/versions/preview")
    String preview(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam MultiValueMap<String, String> form,
            org.springframework.ui.Model model) {
        int base = positive(form.getFirst("baseVersion"), "baseVersion");
        EditorForm edit = PlaygroundForms.editor(form);
        var errors = new ArrayList<>(PlaygroundForms.mistakes(edit));
        var parameters = PlaygroundForms.parameters(edit.temperature(), edit.topP(), edit.maxTokens(), edit.stop());
        errors.addAll(parameters.errors());
        UUID modelId = PlaygroundForms.modelId(edit.modelId(), errors);
        Resolved edited = version(caller, promptId, base);
        PromptVersion before = edited.version();
        VersionDiffs.ModelNames names = id -> models.find(caller.organizationId(), new ModelId(id))
                .map(Model::name)
                .orElse("(removed model " + id + ")");
        var preview = new Preview(
                base,
                VersionDiffs.diff(
                        VersionDiffs.templateLines(before.template()),
                        VersionDiffs.templateLines(PlaygroundForms.template(edit))),
                VersionDiffs.diff(
                        VersionDiffs.settingLines(before.modelId(), before.parameters(), names),
                        VersionDiffs.settingLines(modelId, parameters.parameters(), names)));
        model.addAttribute(
                "page", page(caller, edited, PlaygroundForms.withEmptyMessage(edit), null, errors, null, preview));
        return "console/playground";
    }

    /**
     * Someone saved a version after this edit began. The edit is kept, now on top of the newest version, with what
     * saving it would change there: saving again is a decision made with the diff in sight.
     */
    private String conflict(
            Caller caller,
            UUID promptId,
            int edited,
            EditorForm edit,
            PromptTemplate template,
            org.springframework.ui.Model model,
            HttpServletResponse response) {
        Resolved latest = newest(caller, promptId);
        int newest = latest.version().version();
        var conflict = new Conflict(
                newest,
                edited,
                "/console/prompts/%s/diff?from=%d&to=%d".formatted(promptId, edited, newest),
                VersionDiffs.diff(
                        VersionDiffs.templateLines(latest.version().template()), VersionDiffs.templateLines(template)));
        response.setStatus(409);
        model.addAttribute(
                "page", page(caller, latest, PlaygroundForms.withEmptyMessage(edit), null, List.of(), conflict, null));
        return "console/playground";
    }

    /** Checks the run form and holds the run for the stream that the answered panel opens. */
    @PostMapping("/console/prompts/{promptId}/runs")
    String run(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam MultiValueMap<String, String> form,
            org.springframework.ui.Model model,
            HttpServletResponse response) {
        var errors = new ArrayList<String>();
        int number = positive(form.getFirst("version"), "version");
        PromptVersion version = version(caller, promptId, number).version();
        var variables = new LinkedHashMap<String, String>();
        for (String name : version.variables()) {
            String value = form.getFirst("var." + name);
            variables.put(name, value == null ? "" : value.replace("\r\n", "\n"));
        }
        UUID modelId = PlaygroundForms.modelId(form.getFirst("modelId"), errors);
        if (modelId != null
                && models.find(caller.organizationId(), new ModelId(modelId))
                        .filter(Model::enabled)
                        .isEmpty()) {
            errors.add("The model you picked is not registered in this organization or is disabled.");
        }
        var parameters = PlaygroundForms.parameters(
                form.getFirst("temperature"), form.getFirst("topP"), form.getFirst("maxTokens"), null);
        errors.addAll(parameters.errors());
        if (!errors.isEmpty()) {
            response.setStatus(422);
            model.addAttribute("refused", new RunRefused(errors));
            return "console/runRefused";
        }
        var run = new PlaygroundRuns.Run(promptId, number, variables, modelId, parameters.parameters());
        model.addAttribute("run", new RunPanel("/console/runs/" + runs.hold(caller, run) + "/events"));
        return "console/runPanel";
    }

    /**
     * Runs a held run while streaming it. The execution is the request's, as for the REST API's streamed execute: a
     * page that leaves (the stream's write fails) ends it as cancelled.
     */
    @GetMapping("/console/runs/{runId}/events")
    void events(@AuthenticationPrincipal Caller caller, @PathVariable String runId, HttpServletResponse response) {
        var stream = new RunStream(response, templates);
        try {
            stream.open();
            Optional<PlaygroundRuns.Run> run = runs.take(caller, runId);
            if (run.isEmpty()) {
                stream.ended(refused("This run expired or was already shown; nothing ran. Run it again."));
                return;
            }
            stream.ended(
                    ended(executions.execute(request(caller, run.get()), stream).execution()));
        } catch (ExecutionListener.ClientGoneException e) {
            // The page left; the execution's record is finished all the same.
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                log.warn("A playground run failed: {}", refused.getMessage());
            }
            stream.ended(refused(ConsoleWords.of(refused)));
        } catch (RuntimeException e) {
            log.error("A playground run failed unexpectedly: {}", LogSafe.summary(e));
            log.debug("Stack trace of the playground run's failure", e);
            stream.ended(refused("An unexpected error occurred; the service's log has the details."));
        }
    }

    private static ExecutionRequest request(Caller caller, PlaygroundRuns.Run run) {
        return new ExecutionRequest(
                caller.organizationId(),
                caller.userId(),
                new PromptId(run.promptId()),
                run.version(),
                null,
                run.variables(),
                run.modelId(),
                run.parameters(),
                null,
                null);
    }

    private static RunEnded ended(Execution execution) {
        String error = execution.status() == ExecutionStatus.SUCCEEDED
                ? null
                : execution.errorMessage() != null
                        ? execution.errorMessage()
                        : "The execution ended as " + execution.status().value() + ".";
        return new RunEnded(
                execution.id().toString(),
                execution.status().value(),
                Figures.tokens(execution.tokensInput(), execution.tokensOutput()),
                Figures.cost(execution.costUsd()),
                Figures.latency(execution.latencyMs()),
                error);
    }

    private static RunEnded refused(String why) {
        return new RunEnded(null, "not started", "—", "—", "—", why);
    }

    private PlaygroundPage page(
            Caller caller,
            Resolved resolved,
            EditorForm editor,
            @Nullable String notice,
            List<String> errors,
            @Nullable Conflict conflict,
            @Nullable Preview preview) {
        PromptVersion version = resolved.version();
        List<ModelOption> enabled = models.list(caller, null, true, null, MAX_MODELS).items().stream()
                .map(found -> new ModelOption(found.id().value().toString(), found.name()))
                .toList();
        String versionModel = version.modelId() == null
                ? "the organization's default"
                : models.find(caller.organizationId(), new ModelId(version.modelId()))
                        .map(Model::name)
                        .orElse("a removed model");
        return new PlaygroundPage(
                PromptPagesController.header(resolved.prompt()),
                version.version(),
                editor,
                version.variables(),
                versionModel,
                enabled,
                notice,
                errors,
                conflict,
                preview);
    }

    private Resolved newest(Caller caller, UUID promptId) {
        return prompts.get(caller, new PromptId(promptId), new Selector(null, null));
    }

    private Resolved version(Caller caller, UUID promptId, int number) {
        return prompts.get(caller, new PromptId(promptId), new Selector(number, null));
    }

    private static int positive(@Nullable String value, String name) {
        try {
            int number = Integer.parseInt(value == null ? "" : value.strip());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Said in words below.
        }
        throw new PromptlineException(
                ErrorCode.INVALID_PARAMETER, "%s must be a version number (1 or more).".formatted(name));
    }
}
