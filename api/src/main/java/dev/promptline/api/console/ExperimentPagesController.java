package dev.promptline.api.console;

import dev.promptline.api.console.ExperimentViews.ExperimentPage;
import dev.promptline.api.console.ExperimentViews.ExperimentRow;
import dev.promptline.api.console.ExperimentViews.ExperimentsPage;
import dev.promptline.api.console.ExperimentViews.Progress;
import dev.promptline.api.console.ExperimentViews.RunList;
import dev.promptline.api.console.ExperimentViews.RunRow;
import dev.promptline.api.console.ExperimentViews.StartForm;
import dev.promptline.api.console.ExperimentViews.StartPage;
import dev.promptline.api.experiments.Experiment;
import dev.promptline.api.experiments.ExperimentId;
import dev.promptline.api.experiments.ExperimentService;
import dev.promptline.api.experiments.ExperimentStatus;
import dev.promptline.api.experiments.RunStatus;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.LogSafe;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.PromptService;
import gg.jte.TemplateEngine;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The experiment pages: the list, the start form (member or above), an experiment with its progress streamed into
 * the page while it runs and its per-evaluator summary once it ended, and its cancel and re-run-failed buttons. Every
 * change goes through {@link ExperimentService}, as {@code /api/v1/experiments} does, with the same checks and the
 * same refusals in words; the comparison of two experiments is {@link ComparisonPages}'.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ExperimentPagesController {
    private static final Logger log = LoggerFactory.getLogger(ExperimentPagesController.class);
    private static final int PAGE_SIZE = 50;
    private static final int CHOICES = 200;
    private static final int RUNS_SHOWN = 50;
    /** As the REST API's stream: runs end on any replica, and PostgreSQL is what every replica agrees on. */
    private static final Duration POLL = Duration.ofMillis(500);

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Map<String, String> NOTICES = Map.of(
            "started", "The experiment is queued; its progress shows below as its runs end.",
            "cancelled", "The experiment is cancelled: its queued runs will not run.",
            "rerun", "The failed runs are queued again; the others keep their results.");

    private final ExperimentService experiments;
    private final PromptService prompts;
    private final ConsoleChoices choices;
    private final EvaluationNames names;
    private final Shells shells;
    private final TemplateEngine templates;

    ExperimentPagesController(
            ExperimentService experiments,
            PromptService prompts,
            ConsoleChoices choices,
            EvaluationNames names,
            Shells shells,
            TemplateEngine templates) {
        this.experiments = experiments;
        this.prompts = prompts;
        this.choices = choices;
        this.names = names;
        this.shells = shells;
        this.templates = templates;
    }

    @GetMapping("/console/experiments")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            Model model) {
        Page<Experiment> page = experiments.list(caller.organizationId(), pageToken, PAGE_SIZE);
        var lookup = names.lookup(caller);
        List<ExperimentRow> rows =
                page.items().stream().map(found -> row(found, lookup)).toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/experiments?pageToken=" + URLEncoder.encode(page.nextPageToken(), StandardCharsets.UTF_8);
        List<Choice> choices = page.items().stream()
                .filter(found -> found.status().isTerminal())
                .map(found -> choice(found, lookup))
                .toList();
        model.addAttribute("page", new ExperimentsPage(rows, next, choices));
        return "console/experiments";
    }

    /** The start form; member or above, as starting one. */
    @GetMapping("/console/experiments/new")
    String startForm(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "") String promptId,
            @RequestParam(defaultValue = "") String datasetId,
            Model model) {
        var form = new StartForm("", promptId, "", "", "", datasetId, "", List.of(), "1", "4");
        model.addAttribute("page", startPage(caller, form, List.of()));
        return "console/experimentForm";
    }

    @PostMapping("/console/experiments")
    String start(
            @AuthenticationPrincipal Caller caller,
            @RequestParam MultiValueMap<String, String> fields,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var form = new StartForm(
                text(fields, "name"),
                text(fields, "promptId"),
                text(fields, "promptVersion"),
                text(fields, "promptLabel"),
                text(fields, "modelId"),
                text(fields, "datasetId"),
                text(fields, "datasetVersion"),
                fields.getOrDefault("evaluatorId", List.of()).stream()
                        .map(String::strip)
                        .filter(value -> !value.isEmpty())
                        .toList(),
                text(fields, "repetitions"),
                text(fields, "concurrency"));
        var errors = new ArrayList<String>();
        UUID promptId = uuid(form.promptId(), "Pick the prompt to run.", errors);
        Integer promptVersion = optionalNumber(form.promptVersion(), "The prompt version", errors);
        String label = form.promptLabel().isEmpty() ? null : form.promptLabel();
        if (promptVersion != null && label != null) {
            errors.add("Give the prompt's version or a label, not both.");
        }
        UUID modelId = form.modelId().isEmpty() ? null : uuid(form.modelId(), "Pick a model from the list.", errors);
        UUID datasetId = uuid(form.datasetId(), "Pick the dataset to run on.", errors);
        Integer datasetVersion = optionalNumber(form.datasetVersion(), "The dataset version", errors);
        var refs = new ArrayList<ExperimentService.EvaluatorRef>();
        for (String id : form.evaluatorIds()) {
            UUID evaluator = uuid(id, "An evaluator of the list is not one of this organization.", errors);
            if (evaluator != null) {
                refs.add(new ExperimentService.EvaluatorRef(evaluator, null));
            }
        }
        Integer repetitions = optionalNumber(form.repetitions(), "Repetitions", errors);
        Integer concurrency = optionalNumber(form.concurrency(), "Concurrency", errors);
        if (errors.isEmpty()) {
            try {
                Experiment started = experiments.create(
                        caller,
                        new ExperimentService.Request(
                                form.name().isEmpty() ? null : form.name(),
                                Objects.requireNonNull(promptId),
                                promptVersion,
                                label,
                                modelId,
                                Objects.requireNonNull(datasetId),
                                datasetVersion,
                                refs,
                                repetitions == null ? 1 : repetitions,
                                concurrency == null ? 4 : concurrency));
                redirect.addAttribute("done", "started");
                return "redirect:/console/experiments/" + started.id().value();
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
                response.setStatus(refused.code().status());
            }
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", startPage(caller, form, errors));
        return "console/experimentForm";
    }

    @GetMapping("/console/experiments/{experimentId}")
    String experiment(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID experimentId,
            @RequestParam(required = false) @Nullable String done,
            @RequestParam(required = false) @Nullable String runStatus,
            @RequestParam(required = false) @Nullable String runs,
            HttpServletResponse response,
            Model model) {
        var id = new ExperimentId(experimentId);
        String notice = done == null ? null : NOTICES.get(done);
        String error = null;
        RunStatus status = null;
        if (runStatus != null && !runStatus.isBlank()) {
            try {
                status = RunStatus.fromValue(runStatus.strip());
            } catch (IllegalArgumentException unknown) {
                error = "There is no run status '%s': showing every run.".formatted(runStatus.strip());
            }
        }
        if (error == null) {
            try {
                model.addAttribute("page", page(caller, id, notice, List.of(), new RunsShown(status, runs)));
                return "console/experiment";
            } catch (PromptlineException refused) {
                if (refused.code() != ErrorCode.INVALID_PARAMETER) {
                    throw refused;
                }
                error = "That link to more runs is not one this page made: showing the first runs.";
            }
        }
        response.setStatus(400);
        model.addAttribute("page", page(caller, id, notice, List.of(error), RunsShown.FIRST));
        return "console/experiment";
    }

    @PostMapping("/console/experiments/{experimentId}/cancel")
    String cancel(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID experimentId,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        return change(
                caller,
                experimentId,
                "cancelled",
                model,
                redirect,
                response,
                () -> experiments.cancel(caller, new ExperimentId(experimentId)));
    }

    @PostMapping("/console/experiments/{experimentId}/rerun")
    String rerun(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID experimentId,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        return change(
                caller,
                experimentId,
                "rerun",
                model,
                redirect,
                response,
                () -> experiments.rerunFailed(caller, new ExperimentId(experimentId)));
    }

    /**
     * The progress panel whenever the run counts change, then the summary once the experiment ended, for htmx's SSE
     * extension to swap into the page. Reads PostgreSQL every {@link #POLL}, as the REST API's stream does.
     */
    @GetMapping("/console/experiments/{experimentId}/events")
    void events(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID experimentId,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException {
        var id = new ExperimentId(experimentId);
        Experiment experiment = experiments.get(caller.organizationId(), id); // a 404 page before the stream starts
        Shell shell = shells.of(request);
        var stream = new ExperimentStream(response, templates);
        try {
            stream.open();
            Experiment.Counts shownCounts = null;
            ExperimentStatus shownStatus = null;
            long lastWrite = System.nanoTime();
            while (true) {
                if (!experiment.counts().equals(shownCounts) || experiment.status() != shownStatus) {
                    stream.progress(progressParameters(shell, experiment));
                    shownCounts = experiment.counts();
                    shownStatus = experiment.status();
                    lastWrite = System.nanoTime();
                }
                if (experiment.status().isTerminal() && experiment.counts().running() == 0) {
                    stream.done(summaryParameters(shell, experiment));
                    return;
                }
                if (System.nanoTime() - lastWrite >= HEARTBEAT.toNanos()) {
                    stream.keepAlive();
                    lastWrite = System.nanoTime();
                }
                Thread.sleep(POLL);
                experiment = experiments.get(caller.organizationId(), id);
            }
        } catch (IOException e) {
            // The page left.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("An experiment page's stream failed: {}", LogSafe.summary(e));
        }
    }

    private String change(
            Caller caller,
            UUID experimentId,
            String done,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response,
            Runnable action) {
        try {
            action.run();
            redirect.addAttribute("done", done);
            return "redirect:/console/experiments/" + experimentId;
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500 || refused.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            model.addAttribute(
                    "page",
                    page(
                            caller,
                            new ExperimentId(experimentId),
                            null,
                            List.of(ConsoleWords.of(refused)),
                            RunsShown.FIRST));
            return "console/experiment";
        }
    }

    /** Which runs the page lists: of one status or all, from a page token or the first. */
    private record RunsShown(
            @Nullable RunStatus status, @Nullable String pageToken) {
        static final RunsShown FIRST = new RunsShown(null, null);

        String url(ExperimentId id, @Nullable String token) {
            var url = UriComponentsBuilder.fromPath("/console/experiments/" + id.value());
            if (status != null) {
                url.queryParam("runStatus", status.value());
            }
            if (token != null) {
                url.queryParam("runs", token);
            }
            return url.toUriString() + "#runs-title";
        }
    }

    private ExperimentPage page(
            Caller caller, ExperimentId id, @Nullable String notice, List<String> errors, RunsShown shown) {
        Experiment experiment = experiments.get(caller.organizationId(), id);
        var lookup = names.lookup(caller);
        boolean ended = experiment.status().isTerminal() && experiment.counts().running() == 0;
        var runPage = experiments.runs(caller.organizationId(), id, shown.status(), shown.pageToken(), RUNS_SHOWN);
        List<RunRow> runs =
                runPage.items().stream().map(ExperimentPagesController::run).toList();
        var runList = new RunList(
                shown.status() == null ? "" : shown.status().value(),
                runs,
                runPage.nextPageToken() == null ? null : shown.url(id, runPage.nextPageToken()),
                shown.pageToken() == null ? null : shown.url(id, null));
        List<Choice> comparable = ended ? comparable(caller, experiment, lookup) : List.of();
        return new ExperimentPage(
                row(experiment, lookup),
                experiment.promptId() == null ? "/console/prompts" : "/console/prompts/" + experiment.promptId(),
                "/console/datasets/" + experiment.datasetId() + "?version=" + experiment.datasetVersion(),
                experiment.evaluators().isEmpty()
                        ? "none"
                        : experiment.evaluators().stream()
                                .map(evaluator -> "%s v%d (%s)"
                                        .formatted(evaluator.name(), evaluator.version(), evaluator.type()))
                                .collect(Collectors.joining(", ")),
                experiment.repetitions(),
                experiment.concurrency(),
                experiment.errorMessage(),
                progress(experiment),
                ended ? null : "/console/experiments/" + id.value() + "/events",
                ended ? ExperimentSummaries.view(experiments.summary(caller.organizationId(), id)) : null,
                !experiment.status().isTerminal(),
                ended && experiment.counts().failed() > 0,
                comparable,
                runList,
                notice,
                errors);
    }

    /** The ended experiments on the same dataset version, for the compare form. */
    private List<Choice> comparable(Caller caller, Experiment experiment, EvaluationNames.Lookup lookup) {
        return experiments.list(caller.organizationId(), null, CHOICES).items().stream()
                .filter(other -> !other.id().equals(experiment.id()))
                .filter(other -> other.status().isTerminal())
                .filter(other -> other.datasetVersionId().equals(experiment.datasetVersionId()))
                .map(other -> choice(other, lookup))
                .toList();
    }

    private Map<String, Object> progressParameters(Shell shell, Experiment experiment) {
        var parameters = new LinkedHashMap<String, Object>();
        parameters.put("shell", shell);
        parameters.put("progress", progress(experiment));
        parameters.put("experimentId", experiment.id().value().toString());
        parameters.put("cancellable", !experiment.status().isTerminal());
        return parameters;
    }

    private Map<String, Object> summaryParameters(Shell shell, Experiment experiment) {
        var parameters = new LinkedHashMap<String, Object>();
        parameters.put("shell", shell);
        parameters.put(
                "summary", ExperimentSummaries.view(experiments.summary(experiment.organizationId(), experiment.id())));
        parameters.put("experimentId", experiment.id().value().toString());
        parameters.put("rerunnable", experiment.counts().failed() > 0);
        parameters.put("streamed", true);
        return parameters;
    }

    private StartPage startPage(Caller caller, StartForm form, List<String> errors) {
        List<Choice> promptChoices = prompts.list(caller, null, null, null, null, CHOICES).items().stream()
                .map(prompt -> new Choice(
                        prompt.id().value().toString(),
                        "%s (newest v%d%s)"
                                .formatted(
                                        prompt.name(),
                                        prompt.latestVersion(),
                                        prompt.labels().isEmpty()
                                                ? ""
                                                : "; labels "
                                                        + prompt.labels().entrySet().stream()
                                                                .map(label ->
                                                                        label.getKey() + " → v" + label.getValue())
                                                                .sorted()
                                                                .collect(Collectors.joining(", ")))))
                .toList();
        return new StartPage(
                promptChoices,
                choices.models(caller, true),
                choices.datasets(caller),
                choices.evaluators(caller),
                form,
                errors);
    }

    static ExperimentRow row(Experiment experiment, EvaluationNames.Lookup lookup) {
        String prompt = "%s · v%d%s"
                .formatted(
                        lookup.prompt(experiment.promptId()),
                        experiment.promptVersion(),
                        experiment.promptLabel() == null ? "" : " (label " + experiment.promptLabel() + ")");
        Experiment.Counts counts = experiment.counts();
        return new ExperimentRow(
                experiment.id().value().toString(),
                experiment.name(),
                prompt,
                lookup.model(experiment.modelId()),
                "%s · v%d".formatted(lookup.dataset(experiment.datasetId()), experiment.datasetVersion()),
                experiment.status().value(),
                "%d of %d runs%s"
                        .formatted(
                                counts.finished(),
                                counts.total(),
                                counts.failed() == 0 ? "" : " (%d failed)".formatted(counts.failed())),
                experiment.startedAt() == null
                        ? "queued " + Figures.time(experiment.createdAt())
                        : Figures.time(experiment.startedAt()));
    }

    private static Choice choice(Experiment experiment, EvaluationNames.Lookup lookup) {
        ExperimentRow row = row(experiment, lookup);
        return new Choice(row.id(), "%s: %s on %s, %s".formatted(row.name(), row.prompt(), row.model(), row.dataset()));
    }

    static Progress progress(Experiment experiment) {
        Experiment.Counts counts = experiment.counts();
        int percent = counts.total() == 0 ? 0 : (int) Math.floor(100.0 * counts.finished() / counts.total());
        return new Progress(
                experiment.status().value(),
                counts.total(),
                counts.queued(),
                counts.running(),
                counts.succeeded(),
                counts.failed(),
                counts.cancelled(),
                counts.finished(),
                percent,
                Figures.cost(experiment.costUsd()));
    }

    private static RunRow run(ExperimentService.RunView view) {
        var run = view.run();
        String output;
        if (run.errorMessage() != null) {
            output = run.errorMessage();
        } else if (view.execution() != null && view.execution().output() != null) {
            output = view.execution().output();
        } else {
            output = "";
        }
        return new RunRow(
                run.itemPosition(),
                run.repetition(),
                run.status().value(),
                output,
                view.scores().stream().map(ScoreFigures::score).collect(Collectors.joining("; ")),
                Figures.latency(run.latencyMs()),
                run.executionId() == null ? null : "/console/executions/" + run.executionId());
    }

    private static String text(MultiValueMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static @Nullable UUID uuid(String value, String mistake, List<String> errors) {
        if (value.isEmpty()) {
            errors.add(mistake);
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add(mistake);
            return null;
        }
    }

    private static @Nullable Integer optionalNumber(String value, String what, List<String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            errors.add(what + " must be a whole number.");
            return null;
        }
    }
}
