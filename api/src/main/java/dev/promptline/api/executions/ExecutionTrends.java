package dev.promptline.api.executions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * An organization's executions over time, for the console's dashboard: per minute over the last hour, per UTC day
 * over the last 30 days, and per prompt and per answering model over the last 24 hours. Each query reads only its
 * window's rows through the (organization, created_at) index; a minute or day without executions is a zero, not a
 * gap. An error is a failed or timed-out execution; a cancelled one is the caller's choice, not an error. Buckets are
 * bounded by this service's clock, in UTC.
 */
@Repository
public class ExecutionTrends {
    /** What the charts may be narrowed to: one prompt, one answering model, or both. */
    public record Filter(@Nullable UUID promptId, @Nullable UUID modelId) {}

    /**
     * One minute or one day. Latencies are of finished executions, null when none finished in it.
     *
     * @param at the bucket's start
     */
    public record Point(
            Instant at,
            long executions,
            long errors,
            @Nullable Integer p50LatencyMs,
            @Nullable Integer p95LatencyMs,
            BigDecimal costUsd) {}

    /** A prompt's or a model's last 24 hours. */
    public record Share(
            UUID id,
            String name,
            long executions,
            long errors,
            @Nullable Integer p50LatencyMs,
            @Nullable Integer p95LatencyMs,
            BigDecimal costUsd) {}

    private static final String FIGURES = """
            count(*) AS executions,
            count(*) FILTER (WHERE status IN ('failed', 'timed_out')) AS errors,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
            coalesce(sum(cost_usd), 0) AS cost""";
    private static final String FILTERED = """
            organization_id = :organizationId
            AND (CAST(:promptId AS uuid) IS NULL OR prompt_id = :promptId)
            AND (CAST(:modelId AS uuid) IS NULL OR coalesce(answered_model_id, model_id) = :modelId)""";
    private static final String SERIES = """
            WITH buckets AS (
                SELECT date_trunc(:unit, created_at, 'UTC') AS at, status, latency_ms, cost_usd
                FROM executions
                WHERE %s AND created_at >= :from AND created_at < :to
            ), figures AS (
                SELECT at, %s FROM buckets GROUP BY at
            )
            SELECT series.at, coalesce(executions, 0) AS executions, coalesce(errors, 0) AS errors, p50, p95,
                   coalesce(cost, 0) AS cost
            FROM generate_series(CAST(:from AS timestamptz), CAST(:to AS timestamptz) - CAST(:step AS interval),
                                 CAST(:step AS interval)) AS series (at)
            LEFT JOIN figures USING (at)
            ORDER BY series.at
            """.formatted(FILTERED, FIGURES);
    private static final String WINDOW = """
            SELECT now() - CAST(:window AS interval) AS at, %s
            FROM executions
            WHERE %s AND created_at >= now() - CAST(:window AS interval)
            """.formatted(FIGURES, FILTERED);
    private static final String BY_PROMPT = """
            SELECT p.id, p.name, %s
            FROM executions e JOIN prompts p ON p.organization_id = e.organization_id AND p.id = e.prompt_id
            WHERE e.organization_id = :organizationId AND e.created_at >= now() - interval '24 hours'
            GROUP BY p.id, p.name
            ORDER BY executions DESC, p.name
            LIMIT :limit
            """.formatted(FIGURES);
    private static final String BY_MODEL = """
            SELECT m.id, m.name, %s
            FROM executions e
            JOIN models m ON m.organization_id = e.organization_id AND m.id = coalesce(e.answered_model_id, e.model_id)
            WHERE e.organization_id = :organizationId AND e.created_at >= now() - interval '24 hours'
            GROUP BY m.id, m.name
            ORDER BY executions DESC, m.name
            LIMIT :limit
            """.formatted(FIGURES);

    static final Duration PAST_DAYS_KEPT = Duration.ofMinutes(10);

    private record PastDays(OrganizationId organizationId, Filter filter, Instant today) {}

    private final JdbcClient jdbc;
    private final Clock clock = Clock.systemUTC();
    private final Cache<PastDays, List<Point>> pastDays = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(PAST_DAYS_KEPT)
            .build();

    ExecutionTrends(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The last {@code window} up to now as one figure. */
    public Point since(OrganizationId organizationId, Filter filter, Duration window) {
        return jdbc.sql(WINDOW)
                .param("organizationId", organizationId.value())
                .param("promptId", filter.promptId())
                .param("modelId", filter.modelId())
                .param("window", window.toSeconds() + " seconds")
                .query(ExecutionTrends::point)
                .single();
    }

    /** The last 60 minutes, this one included, oldest first. */
    public List<Point> perMinute(OrganizationId organizationId, Filter filter) {
        Instant next = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        return series(organizationId, filter, "minute", next.minus(Duration.ofHours(1)), next);
    }

    /**
     * The last 30 UTC days, today included, oldest first. The 29 days before today are read once per organization
     * and filter and kept for {@link #PAST_DAYS_KEPT}: they are most of the rows the dashboard reads (all of them
     * but today's) and they no longer change, but for executions still finishing; today is read every time.
     */
    public List<Point> perDay(OrganizationId organizationId, Filter filter) {
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        Instant tomorrow = today.plus(Duration.ofDays(1));
        List<Point> past = pastDays.get(
                new PastDays(organizationId, filter, today),
                key -> series(organizationId, filter, "day", today.minus(Duration.ofDays(29)), today));
        var days = new ArrayList<>(past);
        days.addAll(series(organizationId, filter, "day", today, tomorrow));
        return days;
    }

    /** The busiest prompts of the last 24 hours, busiest first. */
    public List<Share> byPrompt(OrganizationId organizationId, int limit) {
        return shares(BY_PROMPT, organizationId, limit);
    }

    /** The busiest answering models of the last 24 hours, busiest first. */
    public List<Share> byModel(OrganizationId organizationId, int limit) {
        return shares(BY_MODEL, organizationId, limit);
    }

    /** Buckets of one {@code unit} (minute or day) from {@code from} up to {@code to}, both on a bucket's start. */
    private List<Point> series(OrganizationId organizationId, Filter filter, String unit, Instant from, Instant to) {
        return jdbc.sql(SERIES)
                .param("organizationId", organizationId.value())
                .param("promptId", filter.promptId())
                .param("modelId", filter.modelId())
                .param("unit", unit)
                .param("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .param("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .param("step", "1 " + unit)
                .query(ExecutionTrends::point)
                .list();
    }

    private static Point point(ResultSet row, int number) throws SQLException {
        return new Point(
                row.getTimestamp("at").toInstant(),
                row.getLong("executions"),
                row.getLong("errors"),
                integer(row, "p50"),
                integer(row, "p95"),
                row.getBigDecimal("cost"));
    }

    private List<Share> shares(String sql, OrganizationId organizationId, int limit) {
        return jdbc.sql(sql)
                .param("organizationId", organizationId.value())
                .param("limit", limit)
                .query((row, number) -> new Share(
                        row.getObject("id", UUID.class),
                        row.getString("name"),
                        row.getLong("executions"),
                        row.getLong("errors"),
                        integer(row, "p50"),
                        integer(row, "p95"),
                        row.getBigDecimal("cost")))
                .list();
    }

    private static @Nullable Integer integer(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }
}
