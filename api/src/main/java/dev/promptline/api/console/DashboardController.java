package dev.promptline.api.console;

import dev.promptline.api.console.DashboardViews.Chart;
import dev.promptline.api.console.DashboardViews.DashboardPage;
import dev.promptline.api.console.DashboardViews.Figure;
import dev.promptline.api.console.DashboardViews.ShareRow;
import dev.promptline.api.executions.ExecutionTrends;
import dev.promptline.api.executions.ExecutionTrends.Bucket;
import dev.promptline.api.executions.ExecutionTrends.Day;
import dev.promptline.api.executions.ExecutionTrends.LastDay;
import dev.promptline.api.executions.ExecutionTrends.LastHour;
import dev.promptline.api.executions.ExecutionTrends.Point;
import dev.promptline.api.executions.ExecutionTrends.Share;
import dev.promptline.api.platform.tenancy.Caller;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard: the last hour per minute (executions, errors, p50 and p95 latency), cost per day over 30 days, and
 * the last 24 hours per prompt and per model. The charts can be narrowed to one prompt or one model. The figures are
 * rendered into the page (a table under each chart as well); the bundled uPlot only draws them.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class DashboardController {
    private static final int TOP = 10;
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final ExecutionTrends trends;
    private final ConsoleChoices choices;
    private final JsonMapper json;

    DashboardController(ExecutionTrends trends, ConsoleChoices choices, JsonMapper json) {
        this.trends = trends;
        this.choices = choices;
        this.json = json;
    }

    @GetMapping("/console/dashboard")
    String dashboard(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String promptId,
            @RequestParam(required = false) @Nullable String modelId,
            HttpServletResponse response,
            Model model) {
        List<Choice> promptChoices = choices.prompts(caller);
        List<Choice> modelChoices = choices.models(caller, false);
        String error = null;
        UUID prompt = uuid(promptId);
        UUID answering = uuid(modelId);
        if ((prompt == null && promptId != null && !promptId.isBlank())
                || (answering == null && modelId != null && !modelId.isBlank())) {
            response.setStatus(400);
            error = "That prompt or model is not one of the choices: showing every execution instead.";
        }
        var filter = new ExecutionTrends.Filter(prompt, answering);
        var organizationId = caller.organizationId();
        LastHour hour = trends.lastHour(organizationId, filter);
        LastDay day = trends.lastDay(organizationId, filter, TOP);
        var days = new ArrayList<>(trends.pastDays(organizationId, filter));
        days.add(day.today());
        model.addAttribute(
                "page",
                new DashboardPage(
                        prompt == null ? "" : prompt.toString(),
                        answering == null ? "" : answering.toString(),
                        promptChoices,
                        modelChoices,
                        summary(hour.total(), day.costUsd()),
                        List.of(
                                chart(
                                        "executions-chart",
                                        "Executions per minute, last hour",
                                        "count",
                                        hour.minutes(),
                                        MINUTE,
                                        List.of(
                                                new Series<>("Executions", Point::executions),
                                                new Series<>("Errors", Point::errors))),
                                chart(
                                        "latency-chart",
                                        "Latency per minute, last hour",
                                        "ms",
                                        hour.minutes(),
                                        MINUTE,
                                        List.of(
                                                new Series<>("p50", Point::p50LatencyMs),
                                                new Series<>("p95", Point::p95LatencyMs))),
                                chart(
                                        "cost-chart",
                                        "Cost per day (UTC), last 30 days",
                                        "usd",
                                        days,
                                        DAY,
                                        List.of(new Series<>("Cost", Day::costUsd)))),
                        day.byPrompt().stream()
                                .map(share -> row(share, "/console/dashboard?promptId=" + share.id()))
                                .toList(),
                        day.byModel().stream()
                                .map(share -> row(share, "/console/dashboard?modelId=" + share.id()))
                                .toList(),
                        error));
        return "console/dashboard";
    }

    private static List<Figure> summary(Point hour, BigDecimal dayCost) {
        return List.of(
                new Figure("Executions, last hour", "%,d".formatted(hour.executions())),
                new Figure("Error rate, last hour", rate(hour.errors(), hour.executions())),
                new Figure("p50 latency, last hour", Figures.latency(hour.p50LatencyMs())),
                new Figure("p95 latency, last hour", Figures.latency(hour.p95LatencyMs())),
                new Figure("Cost, last 24 hours", Figures.cost(dayCost)));
    }

    /** One line (or bars) of a chart: its name and its value at a point, null where there is none. */
    private record Series<P>(String label, Function<P, ? extends @Nullable Object> value) {}

    private <P extends Bucket> Chart chart(
            String id, String title, String unit, List<P> points, DateTimeFormatter time, List<Series<P>> series) {
        var data = new LinkedHashMap<String, Object>();
        data.put("unit", unit);
        data.put("daily", time == DAY);
        data.put("x", points.stream().map(point -> point.at().getEpochSecond()).toList());
        data.put(
                "series",
                series.stream()
                        .map(line -> {
                            var values = new ArrayList<@Nullable Object>();
                            points.forEach(point -> values.add(line.value().apply(point)));
                            return Map.of("label", line.label(), "values", values);
                        })
                        .toList());
        var columns = new ArrayList<String>();
        columns.add("Time (UTC)");
        series.forEach(line -> columns.add(line.label()));
        List<List<String>> rows = points.stream()
                .map(point -> {
                    var row = new ArrayList<String>();
                    row.add(time.format(point.at()));
                    series.forEach(line -> row.add(cell(line.value().apply(point), unit)));
                    return (List<String>) row;
                })
                .toList();
        boolean empty = points.stream().allMatch(point -> point.executions() == 0);
        return new Chart(id, title, json.writeValueAsString(data), columns, rows, empty);
    }

    private static String cell(@Nullable Object value, String unit) {
        return switch (value) {
            case null -> "—";
            case BigDecimal cost -> Figures.cost(cost);
            case Integer millis when unit.equals("ms") -> Figures.latency(millis);
            default -> String.valueOf(value);
        };
    }

    private static ShareRow row(Share share, String url) {
        return new ShareRow(
                share.name(),
                url,
                "%,d".formatted(share.executions()),
                rate(share.errors(), share.executions()),
                Figures.latency(share.p50LatencyMs()),
                Figures.latency(share.p95LatencyMs()),
                Figures.cost(share.costUsd()));
    }

    private static String rate(long errors, long executions) {
        return executions == 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100.0 * errors / executions);
    }

    private static @Nullable UUID uuid(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
