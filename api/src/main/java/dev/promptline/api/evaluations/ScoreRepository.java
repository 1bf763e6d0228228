package dev.promptline.api.evaluations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Scores of executions. Every statement filters on the organization. */
@Repository
class ScoreRepository {
    private static final String INSERT = """
            INSERT INTO scores (organization_id, execution_id, name, evaluator_version_id, kind, numeric_value,
                                range_min, range_max, boolean_value, category, passed, comment, error, created_by)
            VALUES (:organizationId, :executionId, :name, :evaluatorVersionId, :kind, :numericValue,
                    :rangeMin, :rangeMax, :booleanValue, :category, :passed, :comment, :error, :createdBy)
            RETURNING id, created_at
            """;
    /** A score with the evaluator and version number that gave it, when an evaluator did. */
    private static final String COLUMNS = """
            s.id, s.organization_id, s.execution_id, s.name, s.evaluator_version_id, s.kind, s.numeric_value,
            s.range_min, s.range_max, s.boolean_value, s.category, s.passed, s.comment, s.error, s.created_by,
            s.created_at, v.evaluator_id, v.version AS evaluator_version
            FROM scores s
            LEFT JOIN evaluator_versions v ON v.id = s.evaluator_version_id""";
    /** One execution's scores in the order they were given: a range scan of scores_execution_id_created_at_idx. */
    private static final String LIST_FOR_EXECUTION = "SELECT " + COLUMNS + """

            WHERE s.organization_id = :organizationId AND s.execution_id = :executionId
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (s.created_at, s.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY s.created_at, s.id
            LIMIT :limit
            """;

    private static final String LIST_FOR_EXECUTIONS = "SELECT " + COLUMNS + """

            WHERE s.organization_id = :organizationId AND s.execution_id IN (:executionIds)
            ORDER BY s.execution_id, s.created_at, s.id
            """;

    private static final String FIND = "SELECT " + COLUMNS + """

            WHERE s.organization_id = :organizationId AND s.execution_id = :executionId AND s.id = :id
            """;

    private static final String DELETE = """
            DELETE FROM scores
            WHERE organization_id = :organizationId AND execution_id = :executionId AND id = :id
            """;

    private final JdbcClient jdbc;

    ScoreRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A score and, when an evaluator gave it, which evaluator and version number. */
    record Attributed(
            Score score,
            @Nullable EvaluatorId evaluatorId,
            @Nullable Integer evaluatorVersion) {}

    /** What a new score holds; the database gives its id and time. */
    record Draft(
            String name,
            @Nullable UUID evaluatorVersionId,
            @Nullable ScoreValue value,
            @Nullable Boolean passed,
            @Nullable String comment,
            @Nullable String error,
            @Nullable UserId createdBy) {}

    Score insert(OrganizationId organizationId, UUID executionId, Draft draft) {
        ScoreValue value = draft.value();
        return jdbc.sql(INSERT)
                .param("organizationId", organizationId.value())
                .param("executionId", executionId)
                .param("name", draft.name())
                .param("evaluatorVersionId", draft.evaluatorVersionId())
                .param("kind", value == null ? null : kind(value))
                .param("numericValue", value instanceof ScoreValue.Numeric n ? n.value() : null)
                .param("rangeMin", value instanceof ScoreValue.Numeric n ? n.min() : null)
                .param("rangeMax", value instanceof ScoreValue.Numeric n ? n.max() : null)
                .param("booleanValue", value instanceof ScoreValue.Bool b ? b.value() : null)
                .param("category", value instanceof ScoreValue.Category c ? c.value() : null)
                .param("passed", value == null ? null : draft.passed())
                .param("comment", draft.comment())
                .param("error", draft.error())
                .param(
                        "createdBy",
                        draft.createdBy() == null ? null : draft.createdBy().value())
                .query((row, n) -> new Score(
                        row.getObject("id", UUID.class),
                        organizationId,
                        executionId,
                        draft.name(),
                        draft.evaluatorVersionId(),
                        value,
                        value == null ? null : draft.passed(),
                        draft.comment(),
                        draft.error(),
                        draft.createdBy() == null ? null : draft.createdBy().value(),
                        row.getTimestamp("created_at").toInstant()))
                .single();
    }

    List<Attributed> listForExecution(
            OrganizationId organizationId, UUID executionId, @Nullable Cursor after, int limit) {
        return jdbc.sql(LIST_FOR_EXECUTION)
                .param("organizationId", organizationId.value())
                .param("executionId", executionId)
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(ScoreRepository::map)
                .list();
    }

    Optional<Attributed> find(OrganizationId organizationId, UUID executionId, UUID id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("executionId", executionId)
                .param("id", id)
                .query(ScoreRepository::map)
                .optional();
    }

    boolean delete(OrganizationId organizationId, UUID executionId, UUID id) {
        return jdbc.sql(DELETE)
                        .param("organizationId", organizationId.value())
                        .param("executionId", executionId)
                        .param("id", id)
                        .update()
                > 0;
    }

    List<Attributed> listForExecutions(OrganizationId organizationId, Collection<UUID> executionIds) {
        if (executionIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(LIST_FOR_EXECUTIONS)
                .param("organizationId", organizationId.value())
                .param("executionIds", List.copyOf(executionIds))
                .query(ScoreRepository::map)
                .list();
    }

    static String kind(ScoreValue value) {
        return switch (value) {
            case ScoreValue.Numeric numeric -> "numeric";
            case ScoreValue.Bool bool -> "boolean";
            case ScoreValue.Category category -> "categorical";
        };
    }

    private static Attributed map(ResultSet row, int rowNumber) throws SQLException {
        String kind = row.getString("kind");
        ScoreValue value = kind == null
                ? null
                : switch (kind) {
                    case "numeric" ->
                        new ScoreValue.Numeric(
                                row.getDouble("numeric_value"), row.getDouble("range_min"), row.getDouble("range_max"));
                    case "boolean" -> new ScoreValue.Bool(row.getBoolean("boolean_value"));
                    case "categorical" -> new ScoreValue.Category(row.getString("category"));
                    default -> throw new IllegalStateException("unknown score kind " + kind);
                };
        UUID evaluatorId = row.getObject("evaluator_id", UUID.class);
        var score = new Score(
                row.getObject("id", UUID.class),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getObject("execution_id", UUID.class),
                row.getString("name"),
                row.getObject("evaluator_version_id", UUID.class),
                value,
                row.getObject("passed", Boolean.class),
                row.getString("comment"),
                row.getString("error"),
                row.getObject("created_by", UUID.class),
                row.getTimestamp("created_at").toInstant());
        return new Attributed(
                score,
                evaluatorId == null ? null : new EvaluatorId(evaluatorId),
                row.getObject("evaluator_version", Integer.class));
    }
}
