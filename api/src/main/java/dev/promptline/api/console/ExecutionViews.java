package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the execution pages show, already in words. */
public final class ExecutionViews {
    /** The executions list: its filters as typed, one page of rows, and links to the next page and back to the first. */
    public record ExecutionsPage(
            ExecutionFilters filters,
            List<Choice> prompts,
            List<Choice> models,
            List<String> statuses,
            List<Choice> datasets,
            List<ExecutionRow> rows,
            @Nullable String olderUrl,
            @Nullable String newestUrl,
            List<String> errors) {
        public ExecutionsPage {
            prompts = List.copyOf(prompts);
            models = List.copyOf(models);
            statuses = List.copyOf(statuses);
            datasets = List.copyOf(datasets);
            rows = List.copyOf(rows);
            errors = List.copyOf(errors);
        }

        /** Whether the rows can be checked into a dataset: there is one, and the role may change it. */
        public boolean collecting() {
            return !datasets.isEmpty();
        }
    }

    /** The filter form's fields as typed; empty for any. Times are UTC, as a datetime-local field writes them. */
    public record ExecutionFilters(
            String promptId, String version, String modelId, String status, String from, String to) {
        public boolean any() {
            return !(promptId + version + modelId + status + from + to).isEmpty();
        }
    }

    public record ExecutionRow(
            String id,
            String createdAt,
            String prompt,
            String model,
            String status,
            String tokens,
            String cost,
            String latency) {
        public String url() {
            return "/console/executions/" + id;
        }

        /** Only a succeeded execution can become a dataset item. */
        public boolean collectable() {
            return status.equals("succeeded");
        }
    }

    /** One execution: what ran, with what, what came out, what it cost, how it ended and how it was scored. */
    public record ExecutionPage(
            String id,
            String status,
            boolean running,
            @Nullable String promptName,
            @Nullable String promptUrl,
            @Nullable Integer promptVersion,
            String model,
            String provider,
            List<Detail> details,
            List<MessageView> messages,
            @Nullable String messagesNote,
            List<Detail> variables,
            List<Detail> parameters,
            @Nullable String output,
            @Nullable String error,
            List<ScoreView> scores,
            List<AttemptView> attempts,
            @Nullable String answeredBy,
            @Nullable String cachedFrom,
            @Nullable String notice) {
        public ExecutionPage {
            attempts = List.copyOf(attempts);
            details = List.copyOf(details);
            messages = List.copyOf(messages);
            variables = List.copyOf(variables);
            parameters = List.copyOf(parameters);
            scores = List.copyOf(scores);
        }

        public String url() {
            return "/console/executions/" + id;
        }

        /** Only a succeeded execution can become a dataset item. */
        public boolean collectable() {
            return status.equals("succeeded");
        }
    }

    /** A named value of a definition list. */
    public record Detail(String name, String value) {}

    /** A message as it was sent to the model. */
    public record MessageView(String role, String content) {}

    /**
     * One provider attempt.
     *
     * @param outcome "answered", or the error code and message
     */
    public record AttemptView(int number, String model, String provider, String outcome, boolean answered) {}

    public record ScoreView(String name, String value, String passed, String comment) {}

    private ExecutionViews() {}
}
