package dev.promptline.api.experiments;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Experiments and their runs. A run is claimed under a lease ({@code claimed_by}, {@code lease_until}) and every write
 * that ends or releases it is guarded by that lease, so a replica that lost a run (its lease ran out and another took
 * it) cannot overwrite what the new holder writes.
 */
@Repository
class ExperimentRepository {
    private static final String EXPERIMENT_COLUMNS = """
            id, organization_id, name, prompt_id, prompt_version_id, prompt_version, prompt_label, model_id, dataset_id,
            dataset_version_id, dataset_version, evaluators::text AS evaluators, repetitions, concurrency, status,
            total_runs, succeeded_runs, failed_runs, cancelled_runs, cost_usd, error_message, created_by, created_at,
            started_at, finished_at""";
    private static final String RUN_COLUMNS = """
            id, experiment_id, dataset_item_id, item_position, repetition, status, execution_id, error_code,
            error_message, attempts, latency_ms, cost_usd, started_at, finished_at""";

    private static final String INSERT_RUN = """
            INSERT INTO experiment_runs (organization_id, experiment_id, dataset_item_id, item_position, repetition)
            VALUES (:organizationId, :experimentId, :itemId, :position, :repetition)
            """;

    /** Runs of one experiment per status, and what the finished ones cost. */
    private static final String COUNTS = """
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE status = 'queued') AS queued,
                   count(*) FILTER (WHERE status = 'running') AS running,
                   count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE status = 'failed') AS failed,
                   count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                   sum(cost_usd) AS cost
              FROM experiment_runs
             WHERE organization_id = :organizationId AND experiment_id = :experimentId
            """;

    /**
     * Claims up to {@code :limit} queued runs of an experiment, in item order. The caller holds the experiment's row
     * lock, which serialises claims of one experiment across replicas (so its concurrency limit holds); SKIP LOCKED
     * keeps a claim from waiting on a run that a cancel or a release is writing.
     */
    private static final String CLAIM = """
            WITH next AS (
                SELECT id FROM experiment_runs
                 WHERE experiment_id = :experimentId
                   AND status = 'queued'
                   AND (not_before IS NULL OR not_before <= now())
                 ORDER BY item_position, repetition
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED)
            UPDATE experiment_runs r
               SET status = 'running', claimed_by = :runner, lease_until = now() + :lease * interval '1 millisecond',
                   attempts = r.attempts + 1, started_at = now(), not_before = NULL
              FROM next
             WHERE r.id = next.id
            RETURNING r.id, r.experiment_id, r.dataset_item_id, r.item_position, r.repetition, r.status,
                      r.execution_id, r.error_code, r.error_message, r.attempts, r.latency_ms, r.cost_usd,
                      r.started_at, r.finished_at
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    ExperimentRepository(JdbcClient jdbc, NamedParameterJdbcTemplate named, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** What a new experiment is made of, resolved and checked. */
    record NewExperiment(
            OrganizationId organizationId,
            String name,
            UUID promptId,
            UUID promptVersionId,
            int promptVersion,
            @Nullable String promptLabel,
            UUID modelId,
            UUID datasetId,
            UUID datasetVersionId,
            int datasetVersion,
            List<PinnedEvaluator> evaluators,
            int repetitions,
            int concurrency,
            @Nullable UUID createdBy) {}

    /** A dataset item as an experiment runs it: its id and position in the pinned version. */
    record ItemRef(UUID id, int position) {}

    ExperimentId insert(NewExperiment experiment, List<ItemRef> items) {
        UUID id = jdbc.sql("""
                        INSERT INTO experiments (organization_id, name, prompt_id, prompt_version_id, prompt_version,
                                                 prompt_label, model_id, dataset_id, dataset_version_id,
                                                 dataset_version, evaluators, repetitions, concurrency, total_runs,
                                                 created_by)
                        VALUES (:organizationId, :name, :promptId, :promptVersionId, :promptVersion, :promptLabel,
                                :modelId, :datasetId, :datasetVersionId, :datasetVersion, CAST(:evaluators AS jsonb),
                                :repetitions, :concurrency, :totalRuns, :createdBy)
                        RETURNING id
                        """)
                .param("organizationId", experiment.organizationId().value())
                .param("name", experiment.name())
                .param("promptId", experiment.promptId())
                .param("promptVersionId", experiment.promptVersionId())
                .param("promptVersion", experiment.promptVersion())
                .param("promptLabel", experiment.promptLabel())
                .param("modelId", experiment.modelId())
                .param("datasetId", experiment.datasetId())
                .param("datasetVersionId", experiment.datasetVersionId())
                .param("datasetVersion", experiment.datasetVersion())
                .param("evaluators", json.writeValueAsString(experiment.evaluators()))
                .param("repetitions", experiment.repetitions())
                .param("concurrency", experiment.concurrency())
                .param("totalRuns", items.size() * experiment.repetitions())
                .param("createdBy", experiment.createdBy())
                .query(UUID.class)
                .single();
        var rows = new ArrayList<SqlParameterSource>(items.size() * experiment.repetitions());
        for (ItemRef item : items) {
            for (int repetition = 1; repetition <= experiment.repetitions(); repetition++) {
                rows.add(new MapSqlParameterSource()
                        .addValue("organizationId", experiment.organizationId().value())
                        .addValue("experimentId", id)
                        .addValue("itemId", item.id())
                        .addValue("position", item.position())
                        .addValue("repetition", repetition));
            }
        }
        for (int from = 0; from < rows.size(); from += 1000) {
            named.batchUpdate(
                    INSERT_RUN,
                    rows.subList(from, Math.min(rows.size(), from + 1000)).toArray(SqlParameterSource[]::new));
        }
        return new ExperimentId(id);
    }

    Optional<Experiment> find(OrganizationId organizationId, ExperimentId id) {
        return jdbc.sql("SELECT " + EXPERIMENT_COLUMNS
                        + " FROM experiments WHERE organization_id = :organizationId AND id = :id")
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::mapExperiment)
                .optional();
    }

    /** Locks the experiment's row for the rest of the transaction: claims, cancel and re-run go one at a time. */
    Optional<Experiment> lock(OrganizationId organizationId, ExperimentId id) {
        return jdbc.sql("SELECT " + EXPERIMENT_COLUMNS
                        + " FROM experiments WHERE organization_id = :organizationId AND id = :id FOR UPDATE")
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::mapExperiment)
                .optional();
    }

    /** The completed experiments on one dataset version, oldest first. */
    List<Experiment> completedOn(OrganizationId organizationId, UUID datasetId, int datasetVersion) {
        return jdbc.sql("SELECT " + EXPERIMENT_COLUMNS + """
                         FROM experiments
                        WHERE organization_id = :organizationId AND dataset_id = :datasetId
                          AND dataset_version = :datasetVersion AND status = 'completed'
                        ORDER BY finished_at, id
                        """)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId)
                .param("datasetVersion", datasetVersion)
                .query(this::mapExperiment)
                .list();
    }

    List<Experiment> list(OrganizationId organizationId, @Nullable Cursor before, int limit) {
        return jdbc.sql("SELECT " + EXPERIMENT_COLUMNS + """
                         FROM experiments
                        WHERE organization_id = :organizationId
                          AND (CAST(:beforeCreatedAt AS timestamptz) IS NULL
                               OR (created_at, id) < (CAST(:beforeCreatedAt AS timestamptz), CAST(:beforeId AS uuid)))
                        ORDER BY created_at DESC, id DESC
                        LIMIT :limit
                        """)
                .param("organizationId", organizationId.value())
                .param("beforeCreatedAt", before == null ? null : Timestamp.from(before.createdAt()))
                .param("beforeId", before == null ? null : before.id())
                .param("limit", limit)
                .query(this::mapExperiment)
                .list();
    }

    /** The experiments with work left, of every organization: what a runner looks for. */
    List<Experiment> unfinished() {
        return jdbc.sql("SELECT " + EXPERIMENT_COLUMNS
                        + " FROM experiments WHERE status IN ('queued', 'running') ORDER BY created_at")
                .query(this::mapExperiment)
                .list();
    }

    Experiment.Counts counts(OrganizationId organizationId, ExperimentId id) {
        return jdbc.sql(COUNTS)
                .param("organizationId", organizationId.value())
                .param("experimentId", id.value())
                .query((rs, row) -> new Experiment.Counts(
                        rs.getInt("total"),
                        rs.getInt("queued"),
                        rs.getInt("running"),
                        rs.getInt("succeeded"),
                        rs.getInt("failed"),
                        rs.getInt("cancelled")))
                .single();
    }

    @Nullable
    BigDecimal cost(OrganizationId organizationId, ExperimentId id) {
        return jdbc.sql("""
                        SELECT sum(cost_usd) FROM experiment_runs
                         WHERE organization_id = :organizationId AND experiment_id = :experimentId
                        """)
                .param("organizationId", organizationId.value())
                .param("experimentId", id.value())
                .query(BigDecimal.class)
                .optional()
                .orElse(null);
    }

    /** The experiment's runs in flight, across replicas: what its concurrency limit bounds. */
    int running(ExperimentId id) {
        return jdbc.sql("SELECT count(*) FROM experiment_runs WHERE experiment_id = :id AND status = 'running'")
                .param("id", id.value())
                .query(Integer.class)
                .single();
    }

    List<ExperimentRun> claim(ExperimentId id, String runner, Duration lease, int limit) {
        return jdbc.sql(CLAIM)
                .param("experimentId", id.value())
                .param("runner", runner)
                .param("lease", lease.toMillis())
                .param("limit", limit)
                .query(ExperimentRepository::mapRun)
                .list();
    }

    void markStarted(ExperimentId id) {
        jdbc.sql("""
                        UPDATE experiments SET status = 'running', started_at = coalesce(started_at, now())
                         WHERE id = :id AND status = 'queued'
                        """).param("id", id.value()).update();
    }

    /** Names the execution of a run while it runs, so that a cancel (from any replica) can stop it. */
    boolean setExecution(UUID runId, String runner, UUID executionId) {
        return jdbc.sql("""
                        UPDATE experiment_runs SET execution_id = :executionId
                         WHERE id = :id AND claimed_by = :runner AND status = 'running'
                        """)
                        .param("id", runId)
                        .param("runner", runner)
                        .param("executionId", executionId)
                        .update()
                == 1;
    }

    /** Ends a run this runner holds; false if it no longer holds it (its lease ran out, or a cancel took it). */
    boolean finish(
            UUID runId,
            String runner,
            RunStatus status,
            @Nullable UUID executionId,
            @Nullable String errorCode,
            @Nullable String errorMessage,
            @Nullable Integer latencyMs,
            @Nullable BigDecimal costUsd) {
        return jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = :status, execution_id = coalesce(:executionId, execution_id),
                               error_code = :errorCode, error_message = :errorMessage, latency_ms = :latencyMs,
                               cost_usd = :costUsd, finished_at = now(), claimed_by = NULL, lease_until = NULL
                         WHERE id = :id AND claimed_by = :runner AND status = 'running'
                        """)
                        .param("id", runId)
                        .param("runner", runner)
                        .param("status", status.value())
                        .param("executionId", executionId)
                        .param("errorCode", errorCode)
                        .param("errorMessage", errorMessage)
                        .param("latencyMs", latencyMs)
                        .param("costUsd", costUsd)
                        .update()
                == 1;
    }

    /**
     * Puts a run this runner holds back in the queue, to be claimed again after {@code delay} (a 429's back-off) by
     * any replica.
     */
    boolean requeue(UUID runId, String runner, Duration delay, @Nullable String errorCode, @Nullable String message) {
        return jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'queued', claimed_by = NULL, lease_until = NULL, started_at = NULL,
                               not_before = now() + :delay * interval '1 millisecond', error_code = :errorCode,
                               error_message = :message
                         WHERE id = :id AND claimed_by = :runner AND status = 'running'
                        """)
                        .param("id", runId)
                        .param("runner", runner)
                        .param("delay", delay.toMillis())
                        .param("errorCode", errorCode)
                        .param("message", message)
                        .update()
                == 1;
    }

    /** Keeps this runner's leases: called well within the lease, so a live runner never loses a run. */
    int renewLeases(String runner, Duration lease) {
        return jdbc.sql("""
                        UPDATE experiment_runs SET lease_until = now() + :lease * interval '1 millisecond'
                         WHERE claimed_by = :runner AND status = 'running'
                        """)
                .param("runner", runner)
                .param("lease", lease.toMillis())
                .update();
    }

    /**
     * Puts back in the queue every run whose lease ran out (its replica stopped or lost the database) or, with {@code
     * runner}, every run that runner holds (a graceful shutdown, or a restart of the same replica).
     */
    int releaseExpired() {
        return jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'queued', claimed_by = NULL, lease_until = NULL, started_at = NULL
                         WHERE status = 'running' AND lease_until < now()
                        """).update();
    }

    int releaseOf(String runner) {
        return jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'queued', claimed_by = NULL, lease_until = NULL, started_at = NULL
                         WHERE status = 'running' AND claimed_by = :runner
                        """).param("runner", runner).update();
    }

    /** Ends an unfinished experiment with its final counts; false if it had ended already. */
    boolean end(ExperimentId id, ExperimentStatus status, @Nullable String errorMessage) {
        return jdbc.sql("""
                        UPDATE experiments
                           SET status = :status, finished_at = now(), error_message = :errorMessage
                         WHERE id = :id AND status IN ('queued', 'running')
                        """)
                        .param("id", id.value())
                        .param("status", status.value())
                        .param("errorMessage", errorMessage)
                        .update()
                == 1;
    }

    /** Copies the runs' counts and cost onto the experiment's row, for lists and for after it ended. */
    void storeCounts(ExperimentId id) {
        jdbc.sql("""
                        UPDATE experiments e
                           SET succeeded_runs = c.succeeded, failed_runs = c.failed, cancelled_runs = c.cancelled,
                               cost_usd = c.cost
                          FROM (SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                                       count(*) FILTER (WHERE status = 'failed') AS failed,
                                       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                                       sum(cost_usd) AS cost
                                  FROM experiment_runs WHERE experiment_id = :id) c
                         WHERE e.id = :id
                        """).param("id", id.value()).update();
    }

    /** Cancels the queued runs of an experiment; the running ones end as their executions are cancelled. */
    int cancelQueued(ExperimentId id) {
        return jdbc.sql("""
                        UPDATE experiment_runs SET status = 'cancelled', finished_at = now()
                         WHERE experiment_id = :id AND status = 'queued'
                        """).param("id", id.value()).update();
    }

    List<UUID> runningExecutions(ExperimentId id) {
        return jdbc.sql("""
                        SELECT execution_id FROM experiment_runs
                         WHERE experiment_id = :id AND status = 'running' AND execution_id IS NOT NULL
                        """).param("id", id.value()).query(UUID.class).list();
    }

    /** Puts the failed runs of an ended experiment back in the queue, and the experiment with them. */
    int requeueFailed(ExperimentId id) {
        int runs = jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'queued', attempts = 0, error_code = NULL, error_message = NULL,
                               started_at = NULL, finished_at = NULL, not_before = NULL
                         WHERE experiment_id = :id AND status = 'failed'
                        """).param("id", id.value()).update();
        if (runs > 0) {
            jdbc.sql("""
                            UPDATE experiments SET status = 'queued', finished_at = NULL, error_message = NULL
                             WHERE id = :id
                            """).param("id", id.value()).update();
        }
        return runs;
    }

    /** Runs in item order, paged by position: the page token is the (position, repetition) after which it starts. */
    List<ExperimentRun> runs(
            OrganizationId organizationId, ExperimentId id, @Nullable RunStatus status, long after, int limit) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + """
                         FROM experiment_runs
                        WHERE organization_id = :organizationId AND experiment_id = :experimentId
                          AND (CAST(:status AS text) IS NULL OR status = :status)
                          AND (item_position::bigint * 1000 + repetition) > :after
                        ORDER BY item_position, repetition
                        LIMIT :limit
                        """)
                .param("organizationId", organizationId.value())
                .param("experimentId", id.value())
                .param("status", status == null ? null : status.value())
                .param("after", after)
                .param("limit", limit)
                .query(ExperimentRepository::mapRun)
                .list();
    }

    /** Every run of an experiment: what a summary is computed from. */
    List<ExperimentRun> allRuns(OrganizationId organizationId, ExperimentId id) {
        return runs(organizationId, id, null, 0, Integer.MAX_VALUE);
    }

    /** When the latest run of an experiment ended; the epoch when none has. */
    Instant lastFinishedAt(OrganizationId organizationId, ExperimentId id) {
        Timestamp last = jdbc.sql("""
                        SELECT max(finished_at) FROM experiment_runs
                         WHERE organization_id = :organizationId AND experiment_id = :experimentId
                        """)
                .param("organizationId", organizationId.value())
                .param("experimentId", id.value())
                .query(Timestamp.class)
                .optional()
                .orElse(null);
        return last == null ? Instant.EPOCH : last.toInstant();
    }

    /** Runs that ended after {@code since}, oldest first: the progress events of a stream. */
    List<ExperimentRun> finishedSince(OrganizationId organizationId, ExperimentId id, Instant since) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + """
                         FROM experiment_runs
                        WHERE organization_id = :organizationId AND experiment_id = :experimentId
                          AND finished_at > :since
                        ORDER BY finished_at, item_position, repetition
                        LIMIT 1000
                        """)
                .param("organizationId", organizationId.value())
                .param("experimentId", id.value())
                .param("since", Timestamp.from(since))
                .query(ExperimentRepository::mapRun)
                .list();
    }

    private Experiment mapExperiment(ResultSet rs, int row) throws SQLException {
        var id = new ExperimentId(rs.getObject("id", UUID.class));
        int total = rs.getInt("total_runs");
        int succeeded = rs.getInt("succeeded_runs");
        int failed = rs.getInt("failed_runs");
        int cancelled = rs.getInt("cancelled_runs");
        return new Experiment(
                id,
                new OrganizationId(rs.getObject("organization_id", UUID.class)),
                rs.getString("name"),
                rs.getObject("prompt_id", UUID.class),
                rs.getObject("prompt_version_id", UUID.class),
                rs.getInt("prompt_version"),
                rs.getString("prompt_label"),
                rs.getObject("model_id", UUID.class),
                rs.getObject("dataset_id", UUID.class),
                rs.getObject("dataset_version_id", UUID.class),
                rs.getInt("dataset_version"),
                json.readValue(rs.getString("evaluators"), new TypeReference<List<PinnedEvaluator>>() {}),
                rs.getInt("repetitions"),
                rs.getInt("concurrency"),
                ExperimentStatus.fromValue(rs.getString("status")),
                new Experiment.Counts(
                        total, Math.max(0, total - succeeded - failed - cancelled), 0, succeeded, failed, cancelled),
                rs.getBigDecimal("cost_usd"),
                rs.getString("error_message"),
                rs.getObject("created_by", UUID.class),
                instant(rs, "created_at"),
                nullableInstant(rs, "started_at"),
                nullableInstant(rs, "finished_at"));
    }

    private static ExperimentRun mapRun(ResultSet rs, int row) throws SQLException {
        int latency = rs.getInt("latency_ms");
        Integer latencyMs = rs.wasNull() ? null : latency;
        return new ExperimentRun(
                rs.getObject("id", UUID.class),
                new ExperimentId(rs.getObject("experiment_id", UUID.class)),
                rs.getObject("dataset_item_id", UUID.class),
                rs.getInt("item_position"),
                rs.getInt("repetition"),
                RunStatus.fromValue(rs.getString("status")),
                rs.getObject("execution_id", UUID.class),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getInt("attempts"),
                latencyMs,
                rs.getBigDecimal("cost_usd"),
                nullableInstant(rs, "started_at"),
                nullableInstant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
