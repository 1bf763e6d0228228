package dev.promptline.api.executions;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.prompts.ChatMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Execution records: written once when an execution starts, moved to running, then finished exactly once. */
@Repository
class ExecutionRepository {
    private static final String COLUMNS = """
            e.id, e.organization_id, e.prompt_id, e.prompt_version_id, v.version AS prompt_version, e.model_id,
            e.provider, e.provider_model_id, e.input::text AS input, e.output, e.tokens_input, e.tokens_output,
            e.latency_ms, e.time_to_first_token_ms, e.cost_usd, e.status, e.error_code, e.error_message,
            e.finish_reason, e.attempts, e.created_by, e.request_id, e.trace_id, e.created_at, e.started_at, e.finished_at,
            e.deadline_at, e.answered_model_id, e.answered_provider, e.answered_provider_model_id,
            e.attempt_log::text AS attempt_log, e.cached_from, e.prompt_label, e.split_id""";
    private static final String FROM = """

            FROM executions e
            LEFT JOIN prompt_versions v ON v.organization_id = e.organization_id AND v.id = e.prompt_version_id
            """;
    private static final String FIND = "SELECT " + COLUMNS + FROM + """
            WHERE e.organization_id = :organizationId
              AND e.id = :id
            """;
    /** Newest first; a version filter needs its prompt, and matches through the version's id. */
    private static final String LIST = "SELECT " + COLUMNS + FROM + """
            WHERE e.organization_id = :organizationId
              AND (CAST(:promptId AS uuid) IS NULL OR e.prompt_id = :promptId)
              AND (CAST(:version AS integer) IS NULL OR v.version = :version)
              AND (CAST(:modelId AS uuid) IS NULL OR e.model_id = :modelId)
              AND (CAST(:status AS text) IS NULL OR e.status = :status)
              AND (CAST(:createdAfter AS timestamptz) IS NULL OR e.created_at >= :createdAfter)
              AND (CAST(:createdBefore AS timestamptz) IS NULL OR e.created_at < :createdBefore)
              AND (CAST(:fromExperiments AS boolean) IS NULL OR (e.experiment_id IS NOT NULL) = :fromExperiments)
              AND (CAST(:experimentId AS uuid) IS NULL OR e.experiment_id = :experimentId)
              AND (CAST(:label AS text) IS NULL OR e.prompt_label = :label)
              AND (CAST(:splitId AS uuid) IS NULL OR e.split_id = :splitId)
              AND (CAST(:beforeCreatedAt AS timestamptz) IS NULL
                   OR (e.created_at, e.id) < (CAST(:beforeCreatedAt AS timestamptz), CAST(:beforeId AS uuid)))
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT :limit
            """;

    private static final String INSERT = """
            INSERT INTO executions (id, organization_id, prompt_id, prompt_version_id, model_id, provider,
                                    provider_model_id, input, status, created_by, request_id, trace_id, runner,
                                    created_at, deadline_at, experiment_id, cached_from, prompt_label, split_id)
            VALUES (:id, :organizationId, :promptId, :promptVersionId, :modelId, :provider, :providerModelId,
                    CAST(:input AS jsonb), 'pending', :createdBy, :requestId, :traceId, :runner, :createdAt,
                    :deadlineAt, :experimentId, :cachedFrom, :promptLabel, :splitId)
            """;
    /** A whole record, finished as it is written: no update (which would rewrite the row and every index) follows. */
    private static final String INSERT_COMPLETE = """
            INSERT INTO executions (id, organization_id, prompt_id, prompt_version_id, model_id, provider,
                                    provider_model_id, input, status, created_by, request_id, trace_id, runner,
                                    created_at, deadline_at, experiment_id, cached_from, prompt_label, split_id,
                                    output, tokens_input, tokens_output, latency_ms, time_to_first_token_ms,
                                    cost_usd, finish_reason, attempts, error_code, error_message, started_at,
                                    finished_at, answered_model_id, answered_provider, answered_provider_model_id,
                                    attempt_log)
            VALUES (:id, :organizationId, :promptId, :promptVersionId, :modelId, :provider, :providerModelId,
                    CAST(:input AS jsonb), :status, :createdBy, :requestId, :traceId, :runner, :createdAt,
                    :deadlineAt, :experimentId, :cachedFrom, :promptLabel, :splitId, :output, :tokensInput,
                    :tokensOutput, :latencyMs, :timeToFirstTokenMs, :costUsd, :finishReason, :attempts,
                    :errorCode, :errorMessage, :startedAt, :finishedAt, :answeredModelId, :answeredProvider,
                    :answeredProviderModelId, CAST(:attemptLog AS jsonb))
            """;

    private static final String MARK_RUNNING = """
            UPDATE executions
               SET status = 'running', started_at = :startedAt
             WHERE organization_id = :organizationId
               AND id = :id
               AND status = 'pending'
            """;
    /**
     * The status guard makes the finish happen once, whoever comes first: the run itself or a sweep. The start time is
     * written here when the move to running was left out (the same transaction finishes the execution).
     */
    private static final String FINISH = """
            UPDATE executions
               SET status = :status, output = :output, tokens_input = :tokensInput, tokens_output = :tokensOutput,
                   latency_ms = :latencyMs, time_to_first_token_ms = :timeToFirstTokenMs, cost_usd = :costUsd,
                   finish_reason = :finishReason, attempts = :attempts, error_code = :errorCode,
                   error_message = :errorMessage, started_at = coalesce(started_at, :startedAt), finished_at = now(),
                   answered_model_id = :answeredModelId, answered_provider = :answeredProvider,
                   answered_provider_model_id = :answeredProviderModelId, attempt_log = CAST(:attemptLog AS jsonb)
             WHERE organization_id = :organizationId
               AND id = :id
               AND status IN ('pending', 'running')
            """;

    /**
     * Fails what matches {@code %s} and is unfinished, and reads the rows it failed back (with their version's number)
     * so that each can be announced as finished.
     */
    private static final String ABANDON =
            """
            WITH abandoned AS (
                UPDATE executions
                   SET status = 'failed', error_code = :error, error_message = :reason, finished_at = now()
                 WHERE %s
                   AND status IN ('pending', 'running')
             RETURNING *)
            """ + "SELECT " + COLUMNS + FROM.replace("FROM executions e", "FROM abandoned e");

    private static final String ABANDON_OF_RUNNER = ABANDON.formatted("runner = :runner");
    private static final String ABANDON_PAST_DEADLINE = ABANDON.formatted("deadline_at < :before");

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    ExecutionRepository(JdbcClient jdbc, NamedParameterJdbcTemplate named, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** Inserts pending records, in the caller's transaction (one implicit transaction for one record). */
    void insertAll(List<RecordWriter.Open> opens) {
        if (!opens.isEmpty()) {
            batch(INSERT, opens.stream().map(this::insertParameters).toList());
        }
    }

    /** Inserts records finished as they are written, in the caller's transaction. */
    void insertCompleteAll(List<RecordWriter.Complete> completes) {
        if (!completes.isEmpty()) {
            batch(
                    INSERT_COMPLETE,
                    completes.stream().map(this::completeParameters).toList());
        }
    }

    void markRunningAll(List<RecordWriter.MarkRunning> marks) {
        if (!marks.isEmpty()) {
            batch(
                    MARK_RUNNING,
                    marks.stream().map(ExecutionRepository::markParameters).toList());
        }
    }

    /** Writes outcomes; per finish, 1 if it finished the record, 0 if it was already finished (by a sweep). */
    int[] finishAll(List<RecordWriter.Finish> finishes) {
        return finishes.isEmpty()
                ? new int[0]
                : batch(FINISH, finishes.stream().map(this::finishParameters).toList());
    }

    /** One statement for one row: a JDBC batch of one costs the driver's batch bookkeeping for nothing. */
    private int[] batch(String sql, List<MapSqlParameterSource> rows) {
        return rows.size() == 1
                ? new int[] {named.update(sql, rows.getFirst())}
                : named.batchUpdate(sql, rows.toArray(SqlParameterSource[]::new));
    }

    private MapSqlParameterSource insertParameters(RecordWriter.Open open) {
        Execution execution = open.pending();
        return new MapSqlParameterSource()
                .addValue("id", execution.id())
                .addValue("organizationId", execution.organizationId().value())
                .addValue("promptId", execution.promptId())
                .addValue("promptVersionId", execution.promptVersionId())
                .addValue("modelId", execution.modelId())
                .addValue("provider", execution.provider())
                .addValue("providerModelId", execution.providerModelId())
                .addValue("input", json.writeValueAsString(execution.input()))
                .addValue("createdBy", execution.createdBy())
                .addValue("requestId", execution.requestId())
                .addValue("traceId", execution.traceId())
                .addValue("runner", open.runner())
                .addValue("experimentId", open.experimentId())
                .addValue("cachedFrom", execution.cachedFrom())
                .addValue("promptLabel", execution.promptLabel())
                .addValue("splitId", execution.splitId())
                .addValue("createdAt", Timestamp.from(execution.createdAt()))
                .addValue("deadlineAt", execution.deadlineAt() == null ? null : Timestamp.from(execution.deadlineAt()));
    }

    private MapSqlParameterSource completeParameters(RecordWriter.Complete complete) {
        return insertParameters(complete.open())
                .addValues(finishParameters(complete.finish()).getValues())
                .addValue("finishedAt", Timestamp.from(complete.finishedAt()));
    }

    private static MapSqlParameterSource markParameters(RecordWriter.MarkRunning mark) {
        return new MapSqlParameterSource()
                .addValue("organizationId", mark.organizationId().value())
                .addValue("id", mark.id())
                .addValue("startedAt", Timestamp.from(mark.startedAt()));
    }

    private MapSqlParameterSource finishParameters(RecordWriter.Finish finish) {
        var outcome = finish.outcome();
        Execution.ModelRef answered = outcome.answeredBy();
        var usage = outcome.usage();
        var timing = outcome.timing();
        return new MapSqlParameterSource()
                .addValue("organizationId", finish.organizationId().value())
                .addValue("id", finish.id())
                .addValue("status", outcome.status().value())
                .addValue("output", outcome.output())
                .addValue("tokensInput", usage.tokensInput())
                .addValue("tokensOutput", usage.tokensOutput())
                .addValue("latencyMs", Execution.saturated(timing.latencyMs()))
                .addValue(
                        "timeToFirstTokenMs",
                        timing.timeToFirstTokenMs() == null ? null : Execution.saturated(timing.timeToFirstTokenMs()))
                .addValue("costUsd", finish.cost())
                .addValue(
                        "finishReason",
                        outcome.finishReason() == null
                                ? null
                                : outcome.finishReason().value())
                .addValue("attempts", usage.attempts() == 0 ? null : usage.attempts())
                .addValue(
                        "errorCode",
                        outcome.error() == null ? null : outcome.error().value())
                .addValue("errorMessage", outcome.errorMessage())
                .addValue("startedAt", finish.startedAt() == null ? null : Timestamp.from(finish.startedAt()))
                .addValue("answeredModelId", answered == null ? null : answered.id())
                .addValue("answeredProvider", answered == null ? null : answered.provider())
                .addValue("answeredProviderModelId", answered == null ? null : answered.providerModelId())
                .addValue("attemptLog", attemptLogJson(outcome.attemptLog()));
    }

    Optional<Execution> find(OrganizationId organizationId, UUID id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id)
                .query(this::map)
                .optional();
    }

    List<Execution> list(OrganizationId organizationId, ExecutionFilter filter, @Nullable Cursor before, int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("promptId", filter.promptId())
                .param("version", filter.version())
                .param("modelId", filter.modelId())
                .param(
                        "status",
                        filter.status() == null ? null : filter.status().value())
                .param("createdAfter", filter.createdAfter() == null ? null : Timestamp.from(filter.createdAfter()))
                .param("createdBefore", filter.createdBefore() == null ? null : Timestamp.from(filter.createdBefore()))
                .param("fromExperiments", filter.fromExperiments())
                .param("label", filter.label())
                .param("splitId", filter.splitId())
                .param("experimentId", filter.experimentId())
                .param("beforeCreatedAt", before == null ? null : Timestamp.from(before.createdAt()))
                .param("beforeId", before == null ? null : before.id())
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    /** Fails what a process left open: on its restart, every unfinished execution it was running. */
    List<Execution> abandonOfRunner(String runner, String reason) {
        return jdbc.sql(ABANDON_OF_RUNNER)
                .param("runner", runner)
                .param("error", ExecutionError.ABANDONED.value())
                .param("reason", reason)
                .query(this::map)
                .list();
    }

    /** Fails every unfinished execution whose deadline passed before {@code before}, whoever was running it. */
    List<Execution> abandonPastDeadline(Instant before, String reason) {
        return jdbc.sql(ABANDON_PAST_DEADLINE)
                .param("before", Timestamp.from(before))
                .param("error", ExecutionError.ABANDONED.value())
                .param("reason", reason)
                .query(this::map)
                .list();
    }

    private Execution map(ResultSet row, int number) throws SQLException {
        return new Execution(
                row.getObject("id", UUID.class),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getObject("prompt_id", UUID.class),
                row.getObject("prompt_version_id", UUID.class),
                row.getObject("prompt_version", Integer.class),
                row.getObject("model_id", UUID.class),
                row.getString("provider"),
                row.getString("provider_model_id"),
                input(row.getString("input")),
                row.getString("output"),
                row.getObject("tokens_input", Integer.class),
                row.getObject("tokens_output", Integer.class),
                row.getObject("latency_ms", Integer.class),
                row.getObject("time_to_first_token_ms", Integer.class),
                row.getBigDecimal("cost_usd"),
                ExecutionStatus.fromValue(row.getString("status")),
                enumOrNull(row.getString("error_code"), ExecutionError::fromValue),
                row.getString("error_message"),
                enumOrNull(row.getString("finish_reason"), FinishReason::fromValue),
                row.getObject("attempts", Integer.class),
                row.getObject("created_by", UUID.class),
                row.getString("request_id"),
                row.getString("trace_id"),
                instant(row, "created_at"),
                nullableInstant(row, "started_at"),
                nullableInstant(row, "finished_at"),
                nullableInstant(row, "deadline_at"),
                row.getString("answered_provider") == null
                        ? null
                        : new Execution.ModelRef(
                                row.getObject("answered_model_id", UUID.class),
                                row.getString("answered_provider"),
                                row.getString("answered_provider_model_id")),
                attemptLog(row.getString("attempt_log")),
                row.getObject("cached_from", UUID.class),
                row.getString("prompt_label"),
                row.getObject("split_id", UUID.class));
    }

    /** How an attempt is stored: the API's names, so the column reads as the API shows it. */
    private record StoredAttempt(
            int attempt,
            @Nullable UUID modelId,
            String provider,
            String providerModelId,
            @Nullable String errorCode,
            @Nullable String errorMessage) {}

    private String attemptLogJson(List<Execution.Attempt> log) {
        return json.writeValueAsString(log.stream()
                .map(attempt -> new StoredAttempt(
                        attempt.attempt(),
                        attempt.model().id(),
                        attempt.model().provider(),
                        attempt.model().providerModelId(),
                        attempt.error() == null ? null : attempt.error().value(),
                        attempt.errorMessage()))
                .toList());
    }

    private List<Execution.Attempt> attemptLog(String text) {
        return json.readValue(text, new TypeReference<List<StoredAttempt>>() {}).stream()
                .map(stored -> new Execution.Attempt(
                        stored.attempt(),
                        new Execution.ModelRef(stored.modelId(), stored.provider(), stored.providerModelId()),
                        stored.errorCode() == null ? null : ExecutionError.fromValue(stored.errorCode()),
                        stored.errorMessage()))
                .toList();
    }

    private ExecutionInput input(String text) {
        Map<String, Object> stored = json.readValue(text, new TypeReference<Map<String, Object>>() {});
        return new ExecutionInput(
                json.convertValue(
                        stored.getOrDefault("variables", Map.of()), new TypeReference<Map<String, String>>() {}),
                json.convertValue(stored.getOrDefault("parameters", Map.of()), ModelParameters.class),
                json.convertValue(
                        stored.getOrDefault("messages", List.of()), new TypeReference<List<ChatMessage>>() {}));
    }

    private static <T> @Nullable T enumOrNull(@Nullable String value, Function<String, T> parse) {
        return value == null ? null : parse.apply(value);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getTimestamp(column).toInstant();
    }

    private static @Nullable Instant nullableInstant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
