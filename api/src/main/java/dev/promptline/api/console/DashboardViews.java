package dev.promptline.api.console;

import dev.promptline.api.executions.ExecutionTrends;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the dashboard page shows. */
public final class DashboardViews {
    /**
     * @param promptId the prompt the charts are narrowed to, or empty
     * @param modelId the answering model the charts are narrowed to, or empty
     * @param summary the last hour's figures
     * @param charts each with its data for the script and the same figures as a table
     */
    public record DashboardPage(
            String promptId,
            String modelId,
            List<Choice> prompts,
            List<Choice> models,
            List<Figure> summary,
            List<Chart> charts,
            List<ShareRow> byPrompt,
            List<ShareRow> byModel,
            @Nullable String error) {
        public DashboardPage {
            prompts = List.copyOf(prompts);
            models = List.copyOf(models);
            summary = List.copyOf(summary);
            charts = List.copyOf(charts);
            byPrompt = List.copyOf(byPrompt);
            byModel = List.copyOf(byModel);
        }

        public boolean empty() {
            return charts.stream().allMatch(Chart::empty);
        }

        /** How far behind the last 24 hours' figures may be (they are shared by views for a few seconds). */
        public long lastDaySecondsBehind() {
            return ExecutionTrends.LAST_DAY_KEPT.toSeconds();
        }
    }

    public record Figure(String name, String value) {}

    /**
     * One chart: {@code data} is the JSON the script draws (times in epoch seconds, one list of values per series),
     * {@code columns} and {@code rows} the same figures as a table for readers without the canvas.
     */
    public record Chart(
            String id, String title, String data, List<String> columns, List<List<String>> rows, boolean empty) {
        public Chart {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /** A prompt's or a model's last 24 hours; {@code url} narrows the charts to it. */
    public record ShareRow(
            String name, String url, String executions, String errorRate, String p50, String p95, String cost) {}

    private DashboardViews() {}
}
