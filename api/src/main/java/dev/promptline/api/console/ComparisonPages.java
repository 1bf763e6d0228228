package dev.promptline.api.console;

import dev.promptline.api.console.ExperimentViews.ComparisonPage;
import dev.promptline.api.console.ExperimentViews.ItemView;
import dev.promptline.api.console.ExperimentViews.MetricView;
import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetItem;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.experiments.Experiment;
import dev.promptline.api.experiments.ExperimentFigures;
import dev.promptline.api.experiments.ExperimentId;
import dev.promptline.api.experiments.ExperimentService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Two experiments on the same dataset version side by side, item by item: {@link ExperimentService#compare}'s figures
 * (what {@code GET /api/v1/experiments/{id}/compare/{otherId}} answers) with each item's input and both outputs, its
 * regressions and improvements marked, and whether the difference is significant.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ComparisonPages {
    /** The most items a page lays side by side; the figures above them count every item. */
    static final int MAX_ITEMS = 1_000;

    /** Which items the tables list: a dataset of thousands is read by its regressions first. */
    enum Shown {
        ALL("every item"),
        CHANGED("improved or regressed"),
        REGRESSED("regressions"),
        IMPROVED("improvements");

        final String label;

        Shown(String label) {
            this.label = label;
        }

        boolean includes(String change) {
            return switch (this) {
                case ALL -> true;
                case CHANGED -> change.equals("improved") || change.equals("regressed");
                case REGRESSED -> change.equals("regressed");
                case IMPROVED -> change.equals("improved");
            };
        }

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Shown of(@Nullable String value) {
            if (value == null || value.isBlank()) {
                return ALL;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new PromptlineException(
                        ErrorCode.INVALID_PARAMETER,
                        "Show every item, the changed ones, the regressions or the improvements: '%s' is none of them."
                                .formatted(value.strip()));
            }
        }
    }

    private final ExperimentService experiments;
    private final DatasetService datasets;
    private final EvaluationNames names;

    ComparisonPages(ExperimentService experiments, DatasetService datasets, EvaluationNames names) {
        this.experiments = experiments;
        this.datasets = datasets;
        this.names = names;
    }

    @GetMapping("/console/experiments/compare")
    String compare(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable UUID baseline,
            @RequestParam(required = false) @Nullable UUID candidate,
            @RequestParam(required = false) @Nullable String show,
            Model model) {
        Shown shown = Shown.of(show);
        if (baseline == null || candidate == null) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "Pick two experiments to compare: a baseline and a candidate.");
        }
        if (baseline.equals(candidate)) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "Pick two different experiments: one is compared with itself.");
        }
        OrganizationId organization = caller.organizationId();
        ExperimentFigures.Comparison comparison =
                experiments.compare(organization, new ExperimentId(baseline), new ExperimentId(candidate));
        Experiment before = experiments.get(organization, new ExperimentId(baseline));
        Experiment after = experiments.get(organization, new ExperimentId(candidate));
        Map<Integer, String> inputs = inputs(organization, before);
        Map<Integer, String> beforeOutputs = outputs(organization, before);
        Map<Integer, String> afterOutputs = outputs(organization, after);
        var lookup = names.lookup(caller);
        List<MetricView> metrics = comparison.evaluators().stream()
                .map(metric -> metric(metric, shown, inputs, beforeOutputs, afterOutputs))
                .toList();
        model.addAttribute(
                "page",
                new ComparisonPage(
                        ExperimentPagesController.row(before, lookup),
                        ExperimentPagesController.row(after, lookup),
                        "%s · v%d".formatted(lookup.dataset(before.datasetId()), comparison.datasetVersion()),
                        shown.value(),
                        Arrays.stream(Shown.values())
                                .map(choice -> new Choice(choice.value(), choice.label))
                                .toList(),
                        metrics));
        return "console/comparison";
    }

    private static MetricView metric(
            ExperimentFigures.MetricComparison metric,
            Shown shown,
            Map<Integer, String> inputs,
            Map<Integer, String> before,
            Map<Integer, String> after) {
        var matching = metric.items().stream()
                .filter(item -> shown.includes(item.change()))
                .toList();
        List<ItemView> items = matching.stream()
                .limit(MAX_ITEMS)
                .map(item -> new ItemView(
                        item.itemPosition(),
                        inputs.getOrDefault(item.itemPosition(), ""),
                        before.getOrDefault(item.itemPosition(), ""),
                        after.getOrDefault(item.itemPosition(), ""),
                        ScoreFigures.number(item.baseline()),
                        ScoreFigures.number(item.candidate()),
                        ScoreFigures.signed(item.difference()),
                        item.change()))
                .toList();
        return new MetricView(
                metric.name(),
                metric.sameVersion(),
                metric.pairedItems(),
                ScoreFigures.number(metric.baselineMean()),
                ScoreFigures.number(metric.candidateMean()),
                ScoreFigures.signed(metric.meanDifference()),
                ScoreFigures.interval(metric.differenceInterval()),
                ScoreFigures.pValue(metric.pValue()),
                metric.significant(),
                verdict(metric),
                metric.improvements(),
                metric.regressions(),
                metric.unchanged(),
                matching.size(),
                items);
    }

    /** Whether the difference is significant, in a sentence: the test's answer, not the page's opinion. */
    private static String verdict(ExperimentFigures.MetricComparison metric) {
        if (metric.pValue() == null || metric.meanDifference() == null) {
            return "Too few paired items with different scores to test the difference (" + metric.test() + ").";
        }
        String direction = metric.meanDifference() > 0 ? "better" : metric.meanDifference() < 0 ? "worse" : "the same";
        return metric.significant()
                ? "The candidate is significantly %s: p = %s (%s)."
                        .formatted(direction, ScoreFigures.pValue(metric.pValue()), metric.test())
                : "The difference is not significant: p = %s (%s)."
                        .formatted(ScoreFigures.pValue(metric.pValue()), metric.test());
    }

    /** Each item's variables, by its position in the pinned dataset version. */
    private Map<Integer, String> inputs(OrganizationId organization, Experiment experiment) {
        Map<Integer, String> inputs = new HashMap<>();
        String token = null;
        do {
            Page<DatasetItem> page = datasets.items(
                    organization,
                    new DatasetId(experiment.datasetId()),
                    experiment.datasetVersion(),
                    token,
                    Cursor.MAX_PAGE_SIZE);
            for (DatasetItem item : page.items()) {
                inputs.put(
                        inputs.size() + 1,
                        item.content().input().entrySet().stream()
                                .map(entry -> entry.getKey() + ": " + entry.getValue())
                                .collect(Collectors.joining("\n")));
            }
            token = page.nextPageToken();
        } while (token != null && inputs.size() < MAX_ITEMS);
        return inputs;
    }

    /** Each item's output at its first repetition (or its error), by position. */
    private Map<Integer, String> outputs(OrganizationId organization, Experiment experiment) {
        Map<Integer, String> outputs = new HashMap<>();
        String token = null;
        int read = 0;
        do {
            Page<ExperimentService.RunView> page =
                    experiments.runs(organization, experiment.id(), null, token, Cursor.MAX_PAGE_SIZE);
            for (ExperimentService.RunView view : page.items()) {
                read++;
                if (view.run().repetition() != 1) {
                    continue;
                }
                String output = view.execution() != null && view.execution().output() != null
                        ? view.execution().output()
                        : view.run().errorMessage() == null
                                ? ""
                                : "error: " + view.run().errorMessage();
                outputs.put(view.run().itemPosition(), output);
            }
            token = page.nextPageToken();
        } while (token != null && read < MAX_ITEMS * 20);
        return outputs;
    }
}
