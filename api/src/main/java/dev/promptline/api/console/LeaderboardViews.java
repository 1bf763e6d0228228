package dev.promptline.api.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/** What the leaderboard pages show, already in words: the benchmarks, and one benchmark's ranking. */
public final class LeaderboardViews {
    public record BenchmarksPage(
            List<BenchmarkRow> rows, @Nullable String nextPageUrl) {
        public BenchmarksPage {
            rows = List.copyOf(rows);
        }
    }

    /**
     * @param dataset the dataset and the version it pins
     * @param metrics each evaluator at its pinned version, with the direction that is better
     */
    public record BenchmarkRow(
            String id,
            String name,
            String description,
            String dataset,
            String datasetUrl,
            String metrics,
            String createdAt) {
        public String url() {
            return "/console/leaderboards/" + id;
        }
    }

    /**
     * @param rankedBy the metric the rows are ranked by (an evaluator id), one of {@code metrics}
     * @param metricNames the column headings of the metric figures, in the order of each row's {@code metrics}
     */
    public record LeaderboardPage(
            BenchmarkRow benchmark,
            List<Choice> metrics,
            String rankedBy,
            String rankedByName,
            List<String> metricNames,
            List<LeaderboardRow> rows) {
        public LeaderboardPage {
            metrics = List.copyOf(metrics);
            metricNames = List.copyOf(metricNames);
            rows = List.copyOf(rows);
        }
    }

    /**
     * A prompt version x model.
     *
     * @param metrics per metric: its mean, 95% interval and pass rate in words
     * @param stale whether an evaluator scored it at another version than the benchmark pins
     */
    public record LeaderboardRow(
            int rank,
            String prompt,
            String promptUrl,
            String model,
            List<String> metrics,
            int items,
            String costPerItem,
            String latency,
            boolean stale,
            String experimentUrl,
            String finishedAt) {
        public LeaderboardRow {
            metrics = List.copyOf(metrics);
        }
    }

    private LeaderboardViews() {}

    /** The new benchmark form as typed; empty for not given. {@code directions} is "lower" or "higher" by evaluator. */
    public record NewBenchmarkForm(
            String name,
            String description,
            String datasetId,
            String datasetVersion,
            List<String> evaluatorIds,
            Map<String, String> directions,
            String rankBy) {
        public static final NewBenchmarkForm EMPTY = new NewBenchmarkForm("", "", "", "", List.of(), Map.of(), "");

        public NewBenchmarkForm {
            evaluatorIds = List.copyOf(evaluatorIds);
            directions = Map.copyOf(directions);
        }

        static NewBenchmarkForm of(MultiValueMap<String, String> posted) {
            List<String> checked = posted.getOrDefault("evaluatorId", List.of()).stream()
                    .map(String::strip)
                    .filter(id -> !id.isEmpty())
                    .distinct()
                    .toList();
            Map<String, String> directions = new HashMap<>();
            for (String id : checked) {
                directions.put(id, "lower".equals(field(posted, "direction-" + id)) ? "lower" : "higher");
            }
            return new NewBenchmarkForm(
                    field(posted, "name"),
                    field(posted, "description"),
                    field(posted, "datasetId"),
                    field(posted, "datasetVersion"),
                    checked,
                    directions,
                    field(posted, "rankBy"));
        }

        public boolean checked(String evaluatorId) {
            return evaluatorIds.contains(evaluatorId);
        }

        public String direction(String evaluatorId) {
            return directions.getOrDefault(evaluatorId, "higher");
        }

        private static String field(MultiValueMap<String, String> posted, String name) {
            String value = posted.getFirst(name);
            return value == null ? "" : value.strip();
        }
    }

    public record NewBenchmarkPage(
            NewBenchmarkForm form, List<Choice> datasets, List<Choice> evaluators, List<String> errors) {
        public NewBenchmarkPage {
            datasets = List.copyOf(datasets);
            evaluators = List.copyOf(evaluators);
            errors = List.copyOf(errors);
        }
    }
}
