package dev.promptline.api.leaderboards;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Benchmarks with their metrics, and their leaderboard entries. Every statement filters on the organization. */
@Repository
class BenchmarkRepository {
    private static final String BENCHMARK_COLUMNS = """
            b.id, b.organization_id, b.name, b.description, b.dataset_id, b.dataset_version, b.rank_by, b.created_at,
            (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'evaluatorId', m.evaluator_id, 'evaluatorVersion', m.evaluator_version,
                        'direction', m.direction) ORDER BY m.evaluator_id), '[]'::jsonb)::text
               FROM benchmark_metrics m WHERE m.benchmark_id = b.id) AS metrics""";
    private static final String FIND = "SELECT " + BENCHMARK_COLUMNS + """

            FROM benchmarks b
            WHERE b.organization_id = :organizationId AND b.id = :id
            """;
    private static final String LIST = "SELECT " + BENCHMARK_COLUMNS + """

            FROM benchmarks b
            WHERE b.organization_id = :organizationId
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (b.created_at, b.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY b.created_at, b.id
            LIMIT :limit
            """;
    /** The benchmarks a finished experiment on this dataset version may count for. */
    private static final String ON_DATASET_VERSION = "SELECT " + BENCHMARK_COLUMNS + """

            FROM benchmarks b
            WHERE b.organization_id = :organizationId AND b.dataset_id = :datasetId
              AND b.dataset_version = :datasetVersion
            """;

    private static final String INSERT = """
            INSERT INTO benchmarks (organization_id, name, description, dataset_id, dataset_version, rank_by, created_by)
            VALUES (:organizationId, :name, :description, :datasetId, :datasetVersion, :rankBy, :createdBy)
            RETURNING id
            """;
    private static final String INSERT_METRIC = """
            INSERT INTO benchmark_metrics (organization_id, benchmark_id, evaluator_id, evaluator_version, direction)
            VALUES (:organizationId, :benchmarkId, :evaluatorId, :evaluatorVersion, :direction)
            """;
    private static final String DELETE = "DELETE FROM benchmarks WHERE organization_id = :organizationId AND id = :id";

    private static final String ENTRY_COLUMNS = """
            prompt_id, prompt_version_id, prompt_version, model_id, experiment_id, metrics::text AS metrics, items,
            cost_per_item_usd, latency_p50_ms, latency_p95_ms, finished_at""";
    private static final String ENTRIES = "SELECT " + ENTRY_COLUMNS + """

            FROM leaderboard_entries
            WHERE organization_id = :organizationId AND benchmark_id = :benchmarkId
            """;
    private static final String ENTRIES_OF_VERSION = "SELECT " + ENTRY_COLUMNS + """

            FROM leaderboard_entries
            WHERE organization_id = :organizationId AND benchmark_id = :benchmarkId
              AND prompt_version_id = :promptVersionId
            ORDER BY finished_at DESC
            """;
    /** The newest experiment wins its prompt version x model; an older one arriving late changes nothing. */
    private static final String UPSERT_ENTRY = """
            INSERT INTO leaderboard_entries
                   (organization_id, benchmark_id, prompt_id, prompt_version_id, prompt_version, model_id, experiment_id,
                    metrics, items, cost_per_item_usd, latency_p50_ms, latency_p95_ms, finished_at)
            VALUES (:organizationId, :benchmarkId, :promptId, :promptVersionId, :promptVersion, :modelId, :experimentId,
                    CAST(:metrics AS jsonb), :items, :costPerItem, :latencyP50, :latencyP95, :finishedAt)
            ON CONFLICT (benchmark_id, prompt_version_id, model_id) DO UPDATE
               SET experiment_id = excluded.experiment_id, metrics = excluded.metrics, items = excluded.items,
                   cost_per_item_usd = excluded.cost_per_item_usd, latency_p50_ms = excluded.latency_p50_ms,
                   latency_p95_ms = excluded.latency_p95_ms, finished_at = excluded.finished_at
             WHERE leaderboard_entries.finished_at <= excluded.finished_at
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    BenchmarkRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    BenchmarkId insert(
            OrganizationId organizationId,
            String name,
            String description,
            DatasetId datasetId,
            int datasetVersion,
            List<Benchmark.Metric> metrics,
            UUID rankBy,
            UserId createdBy) {
        UUID id;
        try {
            id = jdbc.sql(INSERT)
                    .param("organizationId", organizationId.value())
                    .param("name", name)
                    .param("description", description)
                    .param("datasetId", datasetId.value())
                    .param("datasetVersion", datasetVersion)
                    .param("rankBy", rankBy)
                    .param("createdBy", createdBy.value())
                    .query(UUID.class)
                    .single();
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.BENCHMARK_NAME_TAKEN,
                    "A benchmark named '%s' already exists in this organization.".formatted(name));
        }
        for (var metric : metrics) {
            jdbc.sql(INSERT_METRIC)
                    .param("organizationId", organizationId.value())
                    .param("benchmarkId", id)
                    .param("evaluatorId", metric.evaluatorId())
                    .param("evaluatorVersion", metric.evaluatorVersion())
                    .param("direction", metric.direction().value())
                    .update();
        }
        return new BenchmarkId(id);
    }

    Optional<Benchmark> find(OrganizationId organizationId, BenchmarkId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::mapBenchmark)
                .optional();
    }

    List<Benchmark> list(OrganizationId organizationId, @Nullable Cursor after, int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(this::mapBenchmark)
                .list();
    }

    List<Benchmark> onDatasetVersion(OrganizationId organizationId, DatasetId datasetId, int datasetVersion) {
        return jdbc.sql(ON_DATASET_VERSION)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("datasetVersion", datasetVersion)
                .query(this::mapBenchmark)
                .list();
    }

    /** False when there was no such benchmark; a 409 while a label policy depends on it. */
    boolean delete(OrganizationId organizationId, BenchmarkId id) {
        try {
            return jdbc.sql(DELETE)
                            .param("organizationId", organizationId.value())
                            .param("id", id.value())
                            .update()
                    > 0;
        } catch (DataIntegrityViolationException e) {
            throw new PromptlineException(
                    ErrorCode.CONFLICT, "A label policy gates on this benchmark; remove the policy first.");
        }
    }

    List<LeaderboardEntry> entries(OrganizationId organizationId, BenchmarkId id) {
        return jdbc.sql(ENTRIES)
                .param("organizationId", organizationId.value())
                .param("benchmarkId", id.value())
                .query(this::mapEntry)
                .list();
    }

    /** A prompt version's entries on the benchmark (one per model), newest first. */
    List<LeaderboardEntry> entriesOf(OrganizationId organizationId, BenchmarkId id, UUID promptVersionId) {
        return jdbc.sql(ENTRIES_OF_VERSION)
                .param("organizationId", organizationId.value())
                .param("benchmarkId", id.value())
                .param("promptVersionId", promptVersionId)
                .query(this::mapEntry)
                .list();
    }

    void upsert(OrganizationId organizationId, BenchmarkId id, LeaderboardEntry entry) {
        Map<String, MetricFigures> metrics = new LinkedHashMap<>();
        entry.metrics().forEach((evaluator, figures) -> metrics.put(evaluator.toString(), figures));
        jdbc.sql(UPSERT_ENTRY)
                .param("organizationId", organizationId.value())
                .param("benchmarkId", id.value())
                .param("promptId", entry.promptId())
                .param("promptVersionId", entry.promptVersionId())
                .param("promptVersion", entry.promptVersion())
                .param("modelId", entry.modelId())
                .param("experimentId", entry.experimentId())
                .param("metrics", json.writeValueAsString(metrics))
                .param("items", entry.items())
                .param("costPerItem", entry.costPerItemUsd())
                .param("latencyP50", entry.latencyP50Ms())
                .param("latencyP95", entry.latencyP95Ms())
                .param("finishedAt", Timestamp.from(entry.finishedAt()))
                .update();
    }

    private Benchmark mapBenchmark(ResultSet row, int rowNumber) throws SQLException {
        List<Map<String, Object>> stored =
                json.readValue(row.getString("metrics"), new TypeReference<List<Map<String, Object>>>() {});
        List<Benchmark.Metric> metrics = new ArrayList<>();
        for (var metric : stored) {
            metrics.add(new Benchmark.Metric(
                    UUID.fromString((String) metric.get("evaluatorId")),
                    ((Number) metric.get("evaluatorVersion")).intValue(),
                    Direction.fromValue((String) metric.get("direction"))));
        }
        return new Benchmark(
                new BenchmarkId(row.getObject("id", UUID.class)),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getString("name"),
                row.getString("description"),
                new DatasetId(row.getObject("dataset_id", UUID.class)),
                row.getInt("dataset_version"),
                metrics,
                row.getObject("rank_by", UUID.class),
                row.getTimestamp("created_at").toInstant());
    }

    private LeaderboardEntry mapEntry(ResultSet row, int rowNumber) throws SQLException {
        Map<String, MetricFigures> stored =
                json.readValue(row.getString("metrics"), new TypeReference<Map<String, MetricFigures>>() {});
        Map<UUID, MetricFigures> metrics = new LinkedHashMap<>();
        stored.forEach((evaluator, figures) -> metrics.put(UUID.fromString(evaluator), figures));
        return new LeaderboardEntry(
                row.getObject("prompt_id", UUID.class),
                row.getObject("prompt_version_id", UUID.class),
                row.getInt("prompt_version"),
                row.getObject("model_id", UUID.class),
                row.getObject("experiment_id", UUID.class),
                metrics,
                row.getInt("items"),
                row.getObject("cost_per_item_usd", BigDecimal.class),
                row.getObject("latency_p50_ms", Integer.class),
                row.getObject("latency_p95_ms", Integer.class),
                row.getTimestamp("finished_at").toInstant());
    }
}
