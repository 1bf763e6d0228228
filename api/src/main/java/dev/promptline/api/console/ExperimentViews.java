package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the experiment pages show, already in words: the list, the start form, one experiment with its progress and
 * summary, and the comparison of two.
 */
public final class ExperimentViews {
    /** @param experiments the ended experiments of the page, for the compare form */
    public record ExperimentsPage(
            List<ExperimentRow> rows, @Nullable String nextPageUrl, List<Choice> experiments) {
        public ExperimentsPage {
            rows = List.copyOf(rows);
            experiments = List.copyOf(experiments);
        }
    }

    /**
     * An experiment as a list shows it.
     *
     * @param prompt its prompt and version (and the label it was asked by)
     * @param dataset its dataset and pinned version
     */
    public record ExperimentRow(
            String id,
            String name,
            String prompt,
            String model,
            String dataset,
            String status,
            String progress,
            String startedAt) {
        public String url() {
            return "/console/experiments/" + id;
        }
    }

    /** The start form's choices, what was typed, and what was wrong with it. */
    public record StartPage(
            List<Choice> prompts,
            List<Choice> models,
            List<Choice> datasets,
            List<Choice> evaluators,
            StartForm form,
            List<String> errors) {
        public StartPage {
            prompts = List.copyOf(prompts);
            models = List.copyOf(models);
            datasets = List.copyOf(datasets);
            evaluators = List.copyOf(evaluators);
            errors = List.copyOf(errors);
        }
    }

    /** The start form as typed; empty texts are the defaults (the newest version, the version's model). */
    public record StartForm(
            String name,
            String promptId,
            String promptVersion,
            String promptLabel,
            String modelId,
            String datasetId,
            String datasetVersion,
            List<String> evaluatorIds,
            String repetitions,
            String concurrency) {
        public static final StartForm EMPTY = new StartForm("", "", "", "", "", "", "", List.of(), "1", "4");

        public StartForm {
            evaluatorIds = List.copyOf(evaluatorIds);
        }

        public boolean evaluator(String id) {
            return evaluatorIds.contains(id);
        }
    }

    /**
     * One experiment.
     *
     * @param eventsUrl the progress stream, while it has not ended
     * @param summary the per-evaluator figures, once it ended
     */
    public record ExperimentPage(
            ExperimentRow experiment,
            String promptUrl,
            String datasetUrl,
            String evaluators,
            int repetitions,
            int concurrency,
            @Nullable String errorMessage,
            Progress progress,
            @Nullable String eventsUrl,
            @Nullable SummaryView summary,
            boolean cancellable,
            boolean rerunnable,
            List<Choice> comparable,
            RunList runs,
            @Nullable String notice,
            List<String> errors) {
        public ExperimentPage {
            comparable = List.copyOf(comparable);
            errors = List.copyOf(errors);
        }
    }

    /**
     * A page of an experiment's runs in item order.
     *
     * @param status the run status they are narrowed to, or empty for all
     * @param nextUrl the next page, if there is one
     * @param firstUrl the first page, when this is not it
     */
    public record RunList(
            String status,
            List<RunRow> rows,
            @Nullable String nextUrl,
            @Nullable String firstUrl) {
        public static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed", "cancelled");

        public RunList {
            rows = List.copyOf(rows);
        }
    }

    /** Where the runs are; {@code percent} of them finished. */
    public record Progress(
            String status,
            int total,
            int queued,
            int running,
            int succeeded,
            int failed,
            int cancelled,
            int finished,
            int percent,
            String cost) {}

    /** The summary's figures in words. */
    public record SummaryView(
            String status, List<EvaluatorRow> evaluators, String cost, String p50, String p95, int runsFailed) {
        public SummaryView {
            evaluators = List.copyOf(evaluators);
        }
    }

    /**
     * @param interval the 95% confidence interval of the mean, or a dash below two items
     * @param categories how often each category was given, for a categorical evaluator
     */
    public record EvaluatorRow(
            String name,
            int version,
            String type,
            int count,
            int items,
            String mean,
            String standardDeviation,
            String interval,
            String passRate,
            int errors,
            String categories) {}

    /** A run as the experiment page lists it. */
    public record RunRow(
            int item,
            int repetition,
            String status,
            String output,
            String scores,
            String latency,
            @Nullable String executionUrl) {}

    /**
     * @param show which items the tables list (a {@code shows} value)
     */
    public record ComparisonPage(
            ExperimentRow baseline,
            ExperimentRow candidate,
            String dataset,
            String show,
            List<Choice> shows,
            List<MetricView> metrics) {
        public ComparisonPage {
            shows = List.copyOf(shows);
            metrics = List.copyOf(metrics);
        }

        /** What the tables list, in words. */
        public String showLabel() {
            return shows.stream()
                    .filter(choice -> choice.value().equals(show))
                    .map(Choice::label)
                    .findFirst()
                    .orElse(show);
        }
    }

    /**
     * One evaluator compared, as the REST API's compare gives it, in words.
     *
     * @param verdict whether the difference is significant, in a sentence
     * @param matching how many items the page's choice selects; {@code items} holds at most the first 1,000
     */
    public record MetricView(
            String name,
            boolean sameVersion,
            int pairedItems,
            String baselineMean,
            String candidateMean,
            String meanDifference,
            String interval,
            String pValue,
            boolean significant,
            String verdict,
            int improvements,
            int regressions,
            int unchanged,
            int matching,
            List<ItemView> items) {
        public MetricView {
            items = List.copyOf(items);
        }
    }

    /** One item side by side: its input, each experiment's output and score, and how it moved. */
    public record ItemView(
            int position,
            String input,
            String baselineOutput,
            String candidateOutput,
            String baseline,
            String candidate,
            String difference,
            String change) {}

    private ExperimentViews() {}
}
