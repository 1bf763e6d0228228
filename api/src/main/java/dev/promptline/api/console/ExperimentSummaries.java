package dev.promptline.api.console;

import dev.promptline.api.console.ExperimentViews.EvaluatorRow;
import dev.promptline.api.console.ExperimentViews.SummaryView;
import dev.promptline.api.experiments.ExperimentFigures;
import java.util.stream.Collectors;

/** An experiment's summary, as {@code GET /api/v1/experiments/{id}/summary} gives it, in the pages' words. */
final class ExperimentSummaries {
    static SummaryView view(ExperimentFigures.Summary summary) {
        return new SummaryView(
                summary.status().value(),
                summary.evaluators().stream().map(ExperimentSummaries::row).toList(),
                Figures.cost(summary.totalCostUsd()),
                ScoreFigures.latency(summary.latencyP50Ms()),
                ScoreFigures.latency(summary.latencyP95Ms()),
                summary.runsFailed());
    }

    private static EvaluatorRow row(ExperimentFigures.EvaluatorSummary evaluator) {
        return new EvaluatorRow(
                evaluator.name(),
                evaluator.version(),
                evaluator.type(),
                evaluator.count(),
                evaluator.items(),
                ScoreFigures.number(evaluator.mean()),
                ScoreFigures.number(evaluator.standardDeviation()),
                ScoreFigures.interval(evaluator.confidenceInterval()),
                ScoreFigures.percent(evaluator.passRate()),
                evaluator.errors(),
                evaluator.categories().entrySet().stream()
                        .map(entry -> entry.getKey() + " × " + entry.getValue())
                        .collect(Collectors.joining(", ")));
    }

    private ExperimentSummaries() {}
}
