package dev.promptline.api.experiments;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetItem;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.datasets.DatasetVersion;
import dev.promptline.api.evaluations.ConfiguredEvaluator;
import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Experiments: created (everything checked and pinned before anything runs), read, cancelled and re-run. The runs
 * themselves are the {@link ExperimentRunner}'s; the figures are {@link #summary} and {@link #compare}, public so that
 * leaderboards and label policies build on exactly what the API shows.
 */
@Service
public class ExperimentService {
    private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);

    static final int MAX_REPETITIONS = 20;
    static final int MAX_CONCURRENCY = 64;
    static final int MAX_EVALUATORS = 20;
    static final int MAX_RUNS = 100_000;
    private static final int ITEM_PAGE = Cursor.MAX_PAGE_SIZE;

    private final ExperimentRepository experiments;
    private final PromptService prompts;
    private final ModelService models;
    private final DatasetService datasets;
    private final EvaluatorService evaluators;
    private final ExecutionService executions;
    private final ExperimentRunner runner;
    private final ExperimentFigures figures;
    private final TransactionTemplate transactions;

    ExperimentService(
            ExperimentRepository experiments,
            PromptService prompts,
            ModelService models,
            DatasetService datasets,
            EvaluatorService evaluators,
            ExecutionService executions,
            ExperimentRunner runner,
            ExperimentFigures figures,
            TransactionTemplate transactions) {
        this.experiments = experiments;
        this.prompts = prompts;
        this.models = models;
        this.datasets = datasets;
        this.evaluators = evaluators;
        this.executions = executions;
        this.runner = runner;
        this.figures = figures;
        this.transactions = transactions;
    }

    /**
     * What to run, as the caller asked it.
     *
     * @param promptVersion a version number; with {@code promptLabel} null, the newest version
     * @param modelId the model to run on; null for the version's own
     * @param datasetVersion a version number; null for the newest
     */
    public record Request(
            @Nullable String name,
            UUID promptId,
            @Nullable Integer promptVersion,
            @Nullable String promptLabel,
            @Nullable UUID modelId,
            UUID datasetId,
            @Nullable Integer datasetVersion,
            List<EvaluatorRef> evaluators,
            int repetitions,
            int concurrency) {}

    /** An evaluator to score with, at a version (null: its newest, pinned now). */
    public record EvaluatorRef(UUID evaluatorId, @Nullable Integer version) {}

    /**
     * Checks everything, pins every version, and queues the runs; any replica's runner picks them up. Nothing is
     * written when anything is wrong: a bad field, an unknown prompt, model, dataset or evaluator, or an item that
     * lacks a variable the prompt needs.
     */
    public Experiment create(Caller caller, Request request) {
        OrganizationId organization = caller.organizationId();
        if (request.repetitions() < 1 || request.repetitions() > MAX_REPETITIONS) {
            throw PromptlineException.invalidField("#/repetitions", "must be from 1 to " + MAX_REPETITIONS);
        }
        if (request.concurrency() < 1 || request.concurrency() > MAX_CONCURRENCY) {
            throw PromptlineException.invalidField("#/concurrency", "must be from 1 to " + MAX_CONCURRENCY);
        }
        if (request.evaluators().size() > MAX_EVALUATORS) {
            throw PromptlineException.invalidField("#/evaluators", "at most " + MAX_EVALUATORS + " evaluators");
        }
        PromptService.Resolved prompt = prompt(organization, request);
        PromptVersion version = prompt.version();
        Model model = model(organization, request.modelId(), version.modelId());
        DatasetVersion dataset = dataset(organization, request.datasetId(), request.datasetVersion());
        List<PinnedEvaluator> pinned = pin(organization, request.evaluators());
        List<ExperimentRepository.ItemRef> items = checkItems(organization, dataset, version.variables());
        if (items.isEmpty()) {
            throw PromptlineException.invalidField(
                    "#/datasetVersion", "version %d of the dataset holds no items".formatted(dataset.version()));
        }
        if ((long) items.size() * request.repetitions() > MAX_RUNS) {
            throw PromptlineException.invalidField(
                    "#/repetitions",
                    "%d items × %d repetitions is more than %d runs"
                            .formatted(items.size(), request.repetitions(), MAX_RUNS));
        }
        String name = request.name() != null
                ? request.name()
                : "%s v%d on dataset v%d".formatted(prompt.prompt().name(), version.version(), dataset.version());
        var created = new ExperimentRepository.NewExperiment(
                organization,
                name,
                version.promptId().value(),
                version.id(),
                version.version(),
                request.promptLabel(),
                model.id().value(),
                dataset.datasetId().value(),
                dataset.id(),
                dataset.version(),
                pinned,
                request.repetitions(),
                request.concurrency(),
                caller.userId().value());
        ExperimentId id = transactions.execute(status -> experiments.insert(created, items));
        log.info(
                "Experiment {} queued: {} item(s) × {} repetition(s) at concurrency {}",
                id,
                items.size(),
                request.repetitions(),
                request.concurrency());
        runner.wake();
        return get(organization, id);
    }

    /** The experiment with its runs counted now. */
    public Experiment get(OrganizationId organizationId, ExperimentId id) {
        Experiment experiment = find(organizationId, id);
        return experiment.withCounts(experiments.counts(organizationId, id), experiments.cost(organizationId, id));
    }

    /** The completed experiments on one dataset version, oldest first: what leaderboards rank. */
    public List<Experiment> completedOn(OrganizationId organizationId, UUID datasetId, int datasetVersion) {
        return experiments.completedOn(organizationId, datasetId, datasetVersion);
    }

    public Page<Experiment> list(
            OrganizationId organizationId, @Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                experiments.list(organizationId, Cursor.decode(pageToken), size + 1),
                size,
                experiment -> new Cursor(experiment.createdAt(), experiment.id().value()));
    }

    /** A run with what its execution answered and the scores it got. */
    public record RunView(
            ExperimentRun run, @Nullable Execution execution, List<dev.promptline.api.evaluations.Score> scores) {}

    /** Runs in item order (repetitions together), optionally of one status; the page token is opaque. */
    public Page<RunView> runs(
            OrganizationId organizationId,
            ExperimentId id,
            @Nullable RunStatus status,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        find(organizationId, id);
        int size = Cursor.pageSize(pageSize);
        long after = parseToken(pageToken);
        List<ExperimentRun> rows = experiments.runs(organizationId, id, status, after, size + 1);
        List<ExperimentRun> page = rows.subList(0, Math.min(size, rows.size()));
        var views = figures.withExecutions(organizationId, page);
        String next = rows.size() > size
                ? String.valueOf((long) page.getLast().itemPosition() * 1000
                        + page.getLast().repetition())
                : null;
        return new Page<>(views, next);
    }

    /**
     * Stops an experiment: its queued runs are cancelled at once, its running executions are cancelled wherever they
     * run, and the experiment is {@code cancelled}. An ended experiment is a 409.
     */
    public Experiment cancel(Caller caller, ExperimentId id) {
        OrganizationId organization = caller.organizationId();
        List<UUID> running = transactions.execute(status -> {
            Experiment experiment = experiments.lock(organization, id).orElseThrow(() -> notFound(id));
            if (experiment.status().isTerminal()) {
                throw new PromptlineException(
                        ErrorCode.EXPERIMENT_FINISHED,
                        "Experiment %s already ended as %s."
                                .formatted(id, experiment.status().value()));
            }
            experiments.end(id, ExperimentStatus.CANCELLED, null);
            experiments.cancelQueued(id);
            experiments.storeCounts(id);
            return experiments.runningExecutions(id);
        });
        for (UUID execution : running) {
            try {
                executions.cancel(organization, execution);
            } catch (PromptlineException e) {
                if (e.code() != ErrorCode.EXECUTION_FINISHED && e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                    throw e;
                }
            }
        }
        log.info("Experiment {} cancelled; {} running execution(s) asked to stop", id, running.size());
        return get(organization, id);
    }

    /**
     * Runs the failed runs of an ended experiment again (with their evaluations), and nothing else: what succeeded
     * keeps its executions and scores. A 409 while it runs, or when nothing failed.
     */
    public Experiment rerunFailed(Caller caller, ExperimentId id) {
        OrganizationId organization = caller.organizationId();
        transactions.executeWithoutResult(status -> {
            Experiment experiment = experiments.lock(organization, id).orElseThrow(() -> notFound(id));
            if (!experiment.status().isTerminal()) {
                throw new PromptlineException(
                        ErrorCode.EXPERIMENT_NOT_FINISHED,
                        "Experiment %s is still %s; re-run its failed runs once it ended."
                                .formatted(id, experiment.status().value()));
            }
            if (experiments.requeueFailed(id) == 0) {
                throw new PromptlineException(
                        ErrorCode.CONFLICT, "Experiment %s has no failed runs to run again.".formatted(id));
            }
        });
        runner.wake();
        return get(organization, id);
    }

    /**
     * The figures of an experiment: per evaluator count, mean, standard deviation, 95% interval, pass rate and errors;
     * overall cost, latency percentiles and failed runs. Computed from what is stored, so it is the same on every
     * replica and at any time after the experiment ended.
     */
    public ExperimentFigures.Summary summary(OrganizationId organizationId, ExperimentId id) {
        return figures.summary(get(organizationId, id));
    }

    /**
     * Compares a candidate experiment with a baseline on the same dataset version, item by item, per evaluator they
     * share: improvements, regressions, and whether the mean difference is significant (paired t-test over items).
     */
    public ExperimentFigures.Comparison compare(
            OrganizationId organizationId, ExperimentId baselineId, ExperimentId candidateId) {
        Experiment baseline = get(organizationId, baselineId);
        Experiment candidate = get(organizationId, candidateId);
        if (!baseline.datasetVersionId().equals(candidate.datasetVersionId())) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER,
                    ("Experiments compare only on the same dataset version: %s ran on version %d of dataset %s, %s on"
                                    + " version %d of dataset %s.")
                            .formatted(
                                    baselineId,
                                    baseline.datasetVersion(),
                                    baseline.datasetId(),
                                    candidateId,
                                    candidate.datasetVersion(),
                                    candidate.datasetId()));
        }
        return figures.compare(baseline, candidate);
    }

    private PromptService.Resolved prompt(OrganizationId organization, Request request) {
        if (request.promptVersion() != null && request.promptLabel() != null) {
            throw PromptlineException.invalidField("#/promptLabel", "give either promptVersion or promptLabel");
        }
        try {
            return prompts.get(
                    organization,
                    new PromptId(request.promptId()),
                    new PromptService.Selector(request.promptVersion(), request.promptLabel()));
        } catch (PromptlineException e) {
            if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                throw e;
            }
            String field = request.promptLabel() != null
                    ? "#/promptLabel"
                    : request.promptVersion() != null ? "#/promptVersion" : "#/promptId";
            try {
                prompts.get(organization, new PromptId(request.promptId()), new PromptService.Selector(null, null));
            } catch (PromptlineException unknownPrompt) {
                field = "#/promptId";
            }
            throw PromptlineException.invalidField(
                    field,
                    field.equals("#/promptId")
                            ? "is not a prompt of this organization"
                            : e.getMessage() == null ? "is unknown" : e.getMessage());
        }
    }

    private Model model(OrganizationId organization, @Nullable UUID requested, @Nullable UUID versions) {
        UUID id = requested != null ? requested : versions;
        if (id == null) {
            throw PromptlineException.invalidField(
                    "#/modelId", "is required: this prompt version names no model, so say which one to run it on");
        }
        Model model = models.find(organization, new ModelId(id))
                .orElseThrow(() -> PromptlineException.invalidField(
                        "#/modelId",
                        "is not a model of this organization" + (requested == null ? " (the version's model)" : "")));
        if (!model.enabled()) {
            throw PromptlineException.invalidField("#/modelId", "model '%s' is disabled".formatted(model.name()));
        }
        return model;
    }

    private DatasetVersion dataset(OrganizationId organization, UUID datasetId, @Nullable Integer version) {
        try {
            return datasets.version(organization, new DatasetId(datasetId), version);
        } catch (PromptlineException e) {
            if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                throw e;
            }
            boolean datasetKnown;
            try {
                datasets.version(organization, new DatasetId(datasetId), null);
                datasetKnown = true;
            } catch (PromptlineException unknown) {
                datasetKnown = false;
            }
            throw datasetKnown
                    ? PromptlineException.invalidField("#/datasetVersion", "the dataset has no version " + version)
                    : PromptlineException.invalidField("#/datasetId", "is not a dataset of this organization");
        }
    }

    private List<PinnedEvaluator> pin(OrganizationId organization, List<EvaluatorRef> refs) {
        var pinned = new ArrayList<PinnedEvaluator>();
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < refs.size(); i++) {
            EvaluatorRef ref = refs.get(i);
            if (!seen.add(ref.evaluatorId())) {
                throw PromptlineException.invalidField(
                        "#/evaluators/%d/evaluatorId".formatted(i), "names an evaluator already in the list");
            }
            ConfiguredEvaluator configured;
            try {
                configured = evaluators.configured(organization, new EvaluatorId(ref.evaluatorId()), ref.version());
            } catch (PromptlineException e) {
                if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                    throw e;
                }
                throw PromptlineException.invalidField(
                        ref.version() == null
                                ? "#/evaluators/%d/evaluatorId".formatted(i)
                                : "#/evaluators/%d".formatted(i),
                        ref.version() == null
                                ? "is not an evaluator of this organization"
                                : "no evaluator %s at version %d in this organization"
                                        .formatted(ref.evaluatorId(), ref.version()));
            }
            pinned.add(new PinnedEvaluator(
                    configured.evaluatorId().value(),
                    configured.evaluatorVersionId(),
                    configured.name(),
                    configured.version(),
                    configured.type()));
        }
        return pinned;
    }

    /**
     * Reads every item of the pinned version, in order, and checks that each has every variable the prompt needs: the
     * first that does not is a 400 naming the item and the variable. Variables the prompt does not use are allowed
     * (a dataset may serve several prompts); they are not sent.
     */
    private List<ExperimentRepository.ItemRef> checkItems(
            OrganizationId organization, DatasetVersion version, List<String> variables) {
        var items = new ArrayList<ExperimentRepository.ItemRef>(version.itemCount());
        String token = null;
        do {
            Page<DatasetItem> page =
                    datasets.items(organization, version.datasetId(), version.version(), token, ITEM_PAGE);
            for (DatasetItem item : page.items()) {
                Map<String, String> input = item.content().input();
                for (String variable : variables) {
                    if (!input.containsKey(variable)) {
                        throw PromptlineException.invalidField(
                                        "#/datasetId",
                                        "item %d (%s) of dataset version %d has no variable '%s', which the prompt needs"
                                                .formatted(items.size() + 1, item.id(), version.version(), variable))
                                .with("itemId", item.id())
                                .with("variable", variable);
                    }
                }
                items.add(new ExperimentRepository.ItemRef(item.id(), items.size() + 1));
            }
            token = page.nextPageToken();
        } while (token != null);
        return items;
    }

    private Experiment find(OrganizationId organizationId, ExperimentId id) {
        return experiments.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    private static long parseToken(@Nullable String token) {
        if (token == null) {
            return 0;
        }
        try {
            long value = Long.parseLong(token);
            if (value < 0) {
                throw new NumberFormatException(token);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new PromptlineException(ErrorCode.INVALID_PARAMETER, "pageToken is not a token this API returned.");
        }
    }

    static PromptlineException notFound(ExperimentId id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No experiment %s in this organization.".formatted(id));
    }
}
