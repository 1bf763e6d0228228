package dev.promptline.api.executions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * An organization's executions over time, for the console's dashboard: per minute over the last hour, per UTC day
 * over the last 30 days, and per prompt and per answering model over the last 24 hours. A view costs two scans of
 * recent rows through the (organization, created_at) index, the last hour's and the last 24 hours' (grouping sets
 * give the buckets and the totals, or the prompts, the models and the totals, in one pass each); the days before
 * today are kept for a while. A minute or day without executions is a zero, not a gap. An error is a failed or
 * timed-out execution; a cancelled one is the caller's choice, not an error. Windows are bounded by this service's
 * clock, in UTC.
 */
@Repository
public class ExecutionTrends {
    /** What the figures may be narrowed to: one prompt, one answering model, or both. */
    public record Filter(@Nullable UUID promptId, @Nullable UUID modelId) {}

    /** A minute or a day of a chart. */
    public interface Bucket {
        /** The bucket's start. */
        Instant at();

        long executions();
    }

    /**
     * One minute, or the whole hour. Latencies are of finished executions, null when none finished in it.
     *
     * @param at the start of the minute or hour
     */
    public record Point(
            Instant at,
            long executions,
            long errors,
            @Nullable Integer p50LatencyMs,
            @Nullable Integer p95LatencyMs,
            BigDecimal costUsd)
            implements Bucket {}

    /** The last hour: its 60 minutes (this one included, oldest first) and their total. */
    public record LastHour(List<Point> minutes, Point total) {}

    /** One UTC day. */
    public record Day(Instant at, long executions, long errors, BigDecimal costUsd) implements Bucket {}

    /** A prompt's or a model's last 24 hours. */
    public record Share(
            UUID id,
            String name,
            long executions,
            long errors,
            @Nullable Integer p50LatencyMs,
            @Nullable Integer p95LatencyMs,
            BigDecimal costUsd) {}

    /**
     * The last 24 hours: the busiest prompts and answering models of the organization (never narrowed: they are what
     * the page narrows to), busiest first, and the narrowed cost and today so far.
     */
    public record LastDay(List<Share> byPrompt, List<Share> byModel, BigDecimal costUsd, Day today) {}

    private static final String ERROR = "status IN ('failed', 'timed_out')";
    // One sort gives both percentiles.
    private static final String FIGURES = """
            count(*) AS executions,
            count(*) FILTER (WHERE %s) AS errors,
            percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY latency_ms) AS latency,
            coalesce(sum(cost_usd), 0) AS cost""".formatted(ERROR);
    private static final String CHOSEN = """
            (CAST(:promptId AS uuid) IS NULL OR prompt_id = :promptId)
            AND (CAST(:modelId AS uuid) IS NULL OR coalesce(answered_model_id, model_id) = :modelId)""";
    private static final String LAST_HOUR = """
            WITH figures AS (
                SELECT date_trunc('minute', created_at, 'UTC') AS at, %s
                FROM executions
                WHERE organization_id = :organizationId AND %s AND created_at >= :from AND created_at < :to
                GROUP BY GROUPING SETS ((date_trunc('minute', created_at, 'UTC')), ())
            )
            SELECT false AS total, series.at, coalesce(executions, 0) AS executions, coalesce(errors, 0) AS errors,
                   latency, coalesce(cost, 0) AS cost
            FROM generate_series(CAST(:from AS timestamptz), CAST(:to AS timestamptz) - interval '1 minute',
                                 interval '1 minute') AS series (at)
            LEFT JOIN figures ON figures.at = series.at
            UNION ALL
            SELECT true, CAST(:from AS timestamptz), executions, errors, latency, cost FROM figures WHERE at IS NULL
            ORDER BY total, at
            """.formatted(FIGURES, CHOSEN);
    private static final String LAST_DAY = """
            SELECT grouped.*, p.name AS prompt_name, m.name AS model_name
            FROM (
                SELECT GROUPING(prompt_id, answering) AS grouping, prompt_id, answering, %s,
                       coalesce(sum(cost_usd) FILTER (WHERE chosen), 0) AS chosen_cost,
                       count(*) FILTER (WHERE chosen AND today) AS today_executions,
                       count(*) FILTER (WHERE chosen AND today AND %s) AS today_errors,
                       coalesce(sum(cost_usd) FILTER (WHERE chosen AND today), 0) AS today_cost
                FROM (
                    SELECT prompt_id, coalesce(answered_model_id, model_id) AS answering, status, latency_ms, cost_usd,
                           created_at >= :today AS today, %s AS chosen
                    FROM executions
                    WHERE organization_id = :organizationId AND created_at >= :from AND created_at < :to
                ) AS recent
                GROUP BY GROUPING SETS ((prompt_id), (answering), ())
            ) AS grouped
            LEFT JOIN prompts p
                ON grouped.grouping = 1 AND p.organization_id = :organizationId AND p.id = grouped.prompt_id
            LEFT JOIN models m
                ON grouped.grouping = 2 AND m.organization_id = :organizationId AND m.id = grouped.answering
            """.formatted(FIGURES, ERROR, CHOSEN);
    private static final String DAYS = """
            WITH figures AS (
                SELECT date_trunc('day', created_at, 'UTC') AS at, count(*) AS executions,
                       count(*) FILTER (WHERE %s) AS errors, coalesce(sum(cost_usd), 0) AS cost
                FROM executions
                WHERE organization_id = :organizationId AND %s AND created_at >= :from AND created_at < :to
                GROUP BY 1
            )
            SELECT series.at, coalesce(executions, 0) AS executions, coalesce(errors, 0) AS errors,
                   coalesce(cost, 0) AS cost
            FROM generate_series(CAST(:from AS timestamptz), CAST(:to AS timestamptz) - interval '1 day',
                                 interval '1 day') AS series (at)
            LEFT JOIN figures USING (at)
            ORDER BY series.at
            """.formatted(ERROR, CHOSEN);

    static final Duration PAST_DAYS_KEPT = Duration.ofMinutes(10);
    /** How long the last 24 hours' figures are kept: a window of a day moves little in a few seconds. */
    public static final Duration LAST_DAY_KEPT = Duration.ofSeconds(15);

    private record PastDays(OrganizationId organizationId, Filter filter, Instant today) {}

    private record LastDayKey(OrganizationId organizationId, Filter filter, int top) {}

    private final JdbcClient jdbc;
    private final Clock clock = Clock.systemUTC();
    private final Cache<PastDays, List<Day>> pastDays = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(PAST_DAYS_KEPT)
            .build();
    private final Cache<LastDayKey, LastDay> lastDays = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(LAST_DAY_KEPT)
            .build();

    ExecutionTrends(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The 60 minutes up to the end of this one. */
    public LastHour lastHour(OrganizationId organizationId, Filter filter) {
        Instant next = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant from = next.minus(Duration.ofHours(1));
        List<Point> rows = jdbc.sql(LAST_HOUR)
                .param("organizationId", organizationId.value())
                .param("promptId", filter.promptId())
                .param("modelId", filter.modelId())
                .param("from", utc(from))
                .param("to", utc(next))
                .query((row, number) -> new Point(
                        row.getTimestamp("at").toInstant(),
                        row.getLong("executions"),
                        row.getLong("errors"),
                        latency(row, 0),
                        latency(row, 1),
                        row.getBigDecimal("cost")))
                .list();
        // The total comes last: the grouping sets' grand total is there even when no execution matched.
        return new LastHour(rows.subList(0, rows.size() - 1), rows.getLast());
    }

    /**
     * The 24 hours up to now, with the {@code top} busiest prompts and models, as of at most {@link #LAST_DAY_KEPT}
     * ago. It is the one scan of a view that grows with the traffic (every row of a day), so dashboards open side by
     * side share one reading per organization and filter; the last hour stays exact to the view.
     */
    public LastDay lastDay(OrganizationId organizationId, Filter filter, int top) {
        return lastDays.get(
                new LastDayKey(organizationId, filter, top), key -> readLastDay(organizationId, filter, top));
    }

    private LastDay readLastDay(OrganizationId organizationId, Filter filter, int top) {
        Instant now = clock.instant();
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        var byPrompt = new ArrayList<Share>();
        var byModel = new ArrayList<Share>();
        var totals = new ArrayList<LastDay>(1);
        jdbc.sql(LAST_DAY)
                .param("organizationId", organizationId.value())
                .param("promptId", filter.promptId())
                .param("modelId", filter.modelId())
                .param("from", utc(now.minus(Duration.ofDays(1))))
                .param("to", utc(now))
                .param("today", utc(today))
                .query(row -> {
                    switch (row.getInt("grouping")) {
                        case 1 -> share(row, "prompt_id", "prompt_name").ifPresent(byPrompt::add);
                        case 2 -> share(row, "answering", "model_name").ifPresent(byModel::add);
                        default ->
                            totals.add(new LastDay(
                                    List.of(),
                                    List.of(),
                                    row.getBigDecimal("chosen_cost"),
                                    new Day(
                                            today,
                                            row.getLong("today_executions"),
                                            row.getLong("today_errors"),
                                            row.getBigDecimal("today_cost"))));
                    }
                });
        LastDay total = totals.getFirst();
        return new LastDay(busiest(byPrompt, top), busiest(byModel, top), total.costUsd(), total.today());
    }

    /**
     * The 29 UTC days before today, oldest first. They are read once per organization and filter and kept for
     * {@link #PAST_DAYS_KEPT}: they are most of the rows the dashboard would read, and they no longer change but for
     * executions still finishing.
     */
    public List<Day> pastDays(OrganizationId organizationId, Filter filter) {
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        return pastDays.get(
                new PastDays(organizationId, filter, today),
                key -> jdbc.sql(DAYS)
                        .param("organizationId", organizationId.value())
                        .param("promptId", filter.promptId())
                        .param("modelId", filter.modelId())
                        .param("from", utc(today.minus(Duration.ofDays(29))))
                        .param("to", utc(today))
                        .query((row, number) -> new Day(
                                row.getTimestamp("at").toInstant(),
                                row.getLong("executions"),
                                row.getLong("errors"),
                                row.getBigDecimal("cost")))
                        .list());
    }

    private static List<Share> busiest(List<Share> shares, int top) {
        return shares.stream()
                .sorted(Comparator.comparingLong(Share::executions).reversed().thenComparing(Share::name))
                .limit(top)
                .toList();
    }

    /** A prompt's or model's row; none for executions whose prompt or model is gone (or that had no prompt). */
    private static Optional<Share> share(ResultSet row, String idColumn, String nameColumn) throws SQLException {
        String name = row.getString(nameColumn);
        if (name == null) {
            return Optional.empty();
        }
        return Optional.of(new Share(
                row.getObject(idColumn, UUID.class),
                name,
                row.getLong("executions"),
                row.getLong("errors"),
                latency(row, 0),
                latency(row, 1),
                row.getBigDecimal("cost")));
    }

    /** The p50 (0) or p95 (1) of the row's latencies, null when none finished. */
    private static @Nullable Integer latency(ResultSet row, int index) throws SQLException {
        Array latencies = row.getArray("latency");
        if (latencies == null) {
            return null;
        }
        Object value = ((Object[]) latencies.getArray())[index];
        return value == null ? null : ((Number) value).intValue();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
