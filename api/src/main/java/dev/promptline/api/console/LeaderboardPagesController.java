package dev.promptline.api.console;

import dev.promptline.api.console.LeaderboardViews.BenchmarkRow;
import dev.promptline.api.console.LeaderboardViews.BenchmarksPage;
import dev.promptline.api.console.LeaderboardViews.LeaderboardPage;
import dev.promptline.api.console.LeaderboardViews.LeaderboardRow;
import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.leaderboards.Benchmark;
import dev.promptline.api.leaderboards.BenchmarkId;
import dev.promptline.api.leaderboards.BenchmarkService;
import dev.promptline.api.leaderboards.LeaderboardEntry;
import dev.promptline.api.leaderboards.MetricFigures;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The leaderboard pages: the benchmarks, and a benchmark's leaderboard (every prompt version x model that ran on it,
 * best first by a metric), read through {@link BenchmarkService#leaderboard} as {@code GET
 * /api/v1/benchmarks/{id}/leaderboard} is. Benchmarks are made by {@link NewBenchmarkController} or the API.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class LeaderboardPagesController {
    private static final int PAGE_SIZE = 50;
    private static final int ROWS = 100;

    private final BenchmarkService benchmarks;
    private final EvaluatorService evaluators;
    private final EvaluationNames names;

    LeaderboardPagesController(BenchmarkService benchmarks, EvaluatorService evaluators, EvaluationNames names) {
        this.benchmarks = benchmarks;
        this.evaluators = evaluators;
        this.names = names;
    }

    @GetMapping("/console/leaderboards")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            Model model) {
        Page<Benchmark> page = benchmarks.list(caller, pageToken, PAGE_SIZE);
        var lookup = names.lookup(caller);
        Map<UUID, String> evaluatorNames = new HashMap<>();
        List<BenchmarkRow> rows = page.items().stream()
                .map(benchmark -> row(caller, benchmark, lookup, evaluatorNames))
                .toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/leaderboards?pageToken=" + URLEncoder.encode(page.nextPageToken(), StandardCharsets.UTF_8);
        model.addAttribute("page", new BenchmarksPage(rows, next));
        return "console/leaderboards";
    }

    @GetMapping("/console/leaderboards/{benchmarkId}")
    String leaderboard(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID benchmarkId,
            @RequestParam(required = false) @Nullable UUID metric,
            Model model) {
        var leaderboard = benchmarks.leaderboard(caller.organizationId(), new BenchmarkId(benchmarkId), metric, ROWS);
        Benchmark benchmark = leaderboard.benchmark();
        var lookup = names.lookup(caller);
        Map<UUID, String> evaluatorNames = new HashMap<>();
        List<Choice> metrics = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        for (Benchmark.Metric each : benchmark.metrics()) {
            String name = evaluatorName(caller, each.evaluatorId(), evaluatorNames);
            String better = each.direction().value() + " is better";
            metrics.add(new Choice(each.evaluatorId().toString(), "%s (%s)".formatted(name, better)));
            headings.add("%s v%d (%s)".formatted(name, each.evaluatorVersion(), better));
        }
        List<LeaderboardRow> rows = leaderboard.rows().stream()
                .map(row -> row(benchmark, row, lookup))
                .toList();
        model.addAttribute(
                "page",
                new LeaderboardPage(
                        row(caller, benchmark, lookup, evaluatorNames),
                        metrics,
                        leaderboard.rankedBy().toString(),
                        evaluatorName(caller, leaderboard.rankedBy(), evaluatorNames),
                        headings,
                        rows));
        return "console/leaderboard";
    }

    private static LeaderboardRow row(Benchmark benchmark, BenchmarkService.Row row, EvaluationNames.Lookup lookup) {
        LeaderboardEntry entry = row.entry();
        List<String> figures = benchmark.metrics().stream()
                .map(metric -> figures(entry.metrics().get(metric.evaluatorId())))
                .toList();
        return new LeaderboardRow(
                row.rank(),
                "%s · v%d".formatted(lookup.prompt(entry.promptId()), entry.promptVersion()),
                "/console/prompts/" + entry.promptId(),
                lookup.model(entry.modelId()),
                figures,
                entry.items(),
                costPerItem(entry.costPerItemUsd()),
                "p50 %s · p95 %s"
                        .formatted(Figures.latency(entry.latencyP50Ms()), Figures.latency(entry.latencyP95Ms())),
                row.stale(),
                "/console/experiments/" + entry.experimentId(),
                Figures.time(entry.finishedAt()));
    }

    private static String figures(@Nullable MetricFigures figures) {
        if (figures == null) {
            return "not scored";
        }
        String passRate = figures.passRate() == null ? "" : " · passed " + ScoreFigures.percent(figures.passRate());
        String errors = figures.errors() == 0 ? "" : " · %d errors".formatted(figures.errors());
        return "%s (95%% CI %s)%s%s"
                .formatted(
                        ScoreFigures.number(figures.mean()),
                        ScoreFigures.interval(figures.ciLow(), figures.ciHigh()),
                        passRate,
                        errors);
    }

    private static String costPerItem(@Nullable BigDecimal cost) {
        return cost == null ? "—" : Figures.cost(cost.setScale(8, RoundingMode.HALF_UP));
    }

    private BenchmarkRow row(
            Caller caller, Benchmark benchmark, EvaluationNames.Lookup lookup, Map<UUID, String> evaluatorNames) {
        return new BenchmarkRow(
                benchmark.id().value().toString(),
                benchmark.name(),
                benchmark.description(),
                "%s · v%d".formatted(lookup.dataset(benchmark.datasetId().value()), benchmark.datasetVersion()),
                "/console/datasets/%s?version=%d"
                        .formatted(benchmark.datasetId().value(), benchmark.datasetVersion()),
                benchmark.metrics().stream()
                        .map(metric -> "%s v%d (%s is better)"
                                .formatted(
                                        evaluatorName(caller, metric.evaluatorId(), evaluatorNames),
                                        metric.evaluatorVersion(),
                                        metric.direction().value()))
                        .collect(Collectors.joining(", ")),
                Figures.time(benchmark.createdAt()));
    }

    private String evaluatorName(Caller caller, UUID id, Map<UUID, String> known) {
        return known.computeIfAbsent(id, key -> {
            try {
                return evaluators
                        .get(caller.organizationId(), new EvaluatorId(key))
                        .name();
            } catch (PromptlineException e) {
                return "(removed evaluator)";
            }
        });
    }
}
