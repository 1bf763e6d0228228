package dev.promptline.api.evaluations.online;

import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Evaluation rules and the aggregates of their scores. Every statement but {@link #all()} filters on the organization. */
@Repository
class EvaluationRuleRepository {
    private static final String COLUMNS = """
            r.id, r.organization_id, r.prompt_id, r.sampling_rate, r.label, r.created_by, r.created_at, r.updated_at,
            ARRAY(SELECT e.evaluator_id FROM evaluation_rule_evaluators e
                   WHERE e.rule_id = r.id ORDER BY e.position) AS evaluator_ids""";

    private final JdbcClient jdbc;

    EvaluationRuleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    UUID insert(
            OrganizationId organizationId,
            PromptId promptId,
            double samplingRate,
            @Nullable String label,
            @Nullable UUID createdBy) {
        return jdbc.sql("""
                        INSERT INTO evaluation_rules (organization_id, prompt_id, sampling_rate, label, created_by)
                        VALUES (:organizationId, :promptId, :samplingRate, :label, :createdBy)
                        RETURNING id""")
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("samplingRate", samplingRate)
                .param("label", label)
                .param("createdBy", createdBy)
                .query(UUID.class)
                .single();
    }

    boolean update(OrganizationId organizationId, UUID id, double samplingRate, @Nullable String label) {
        return jdbc.sql("""
                        UPDATE evaluation_rules SET sampling_rate = :samplingRate, label = :label, updated_at = now()
                        WHERE organization_id = :organizationId AND id = :id""")
                        .param("organizationId", organizationId.value())
                        .param("id", id)
                        .param("samplingRate", samplingRate)
                        .param("label", label)
                        .update()
                == 1;
    }

    void replaceEvaluators(OrganizationId organizationId, UUID ruleId, List<EvaluatorId> evaluatorIds) {
        jdbc.sql("DELETE FROM evaluation_rule_evaluators WHERE organization_id = :organizationId AND rule_id = :ruleId")
                .param("organizationId", organizationId.value())
                .param("ruleId", ruleId)
                .update();
        for (int i = 0; i < evaluatorIds.size(); i++) {
            jdbc.sql("""
                            INSERT INTO evaluation_rule_evaluators (organization_id, rule_id, evaluator_id, position)
                            VALUES (:organizationId, :ruleId, :evaluatorId, :position)""")
                    .param("organizationId", organizationId.value())
                    .param("ruleId", ruleId)
                    .param("evaluatorId", evaluatorIds.get(i).value())
                    .param("position", i)
                    .update();
        }
    }

    boolean delete(OrganizationId organizationId, UUID id) {
        return jdbc.sql("DELETE FROM evaluation_rules WHERE organization_id = :organizationId AND id = :id")
                        .param("organizationId", organizationId.value())
                        .param("id", id)
                        .update()
                == 1;
    }

    Optional<EvaluationRule> find(OrganizationId organizationId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM evaluation_rules r WHERE r.organization_id = :organizationId AND r.id = :id")
                .param("organizationId", organizationId.value())
                .param("id", id)
                .query(EvaluationRuleRepository::rule)
                .optional();
    }

    List<EvaluationRule> forPrompt(OrganizationId organizationId, PromptId promptId) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM evaluation_rules r
                        WHERE r.organization_id = :organizationId AND r.prompt_id = :promptId
                        ORDER BY r.created_at, r.id""")
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .query(EvaluationRuleRepository::rule)
                .list();
    }

    /** Every organization's rules that sample anything: what each replica keeps in memory to decide quickly. */
    List<EvaluationRule> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM evaluation_rules r WHERE r.sampling_rate > 0")
                .query(EvaluationRuleRepository::rule)
                .list();
    }

    /**
     * One day's scores of one evaluator version on one version of the prompt, from its production executions.
     *
     * @param mean the mean of numeric scores (booleans count as 0 and 1); null for categories
     * @param passRate the share of scores that passed, among those with a threshold; null when none has one
     */
    record DailyResult(
            LocalDate day,
            int promptVersion,
            UUID evaluatorId,
            String evaluatorName,
            int evaluatorVersion,
            long count,
            long errors,
            @Nullable Double mean,
            @Nullable Double passRate) {}

    /** Days by the executions' start (UTC), from {@code from} inclusive to {@code to} exclusive. */
    List<DailyResult> daily(OrganizationId organizationId, PromptId promptId, Instant from, Instant to) {
        return jdbc.sql("""
                        SELECT (x.created_at AT TIME ZONE 'UTC')::date AS day, pv.version AS prompt_version,
                               v.evaluator_id, ev.name AS evaluator_name, v.version AS evaluator_version,
                               count(*) FILTER (WHERE s.error IS NULL) AS scored,
                               count(*) FILTER (WHERE s.error IS NOT NULL) AS errors,
                               avg(CASE s.kind WHEN 'numeric' THEN s.numeric_value
                                               WHEN 'boolean' THEN CASE WHEN s.boolean_value THEN 1.0 ELSE 0.0 END
                                   END) AS mean,
                               avg(CASE WHEN s.passed THEN 1.0 WHEN NOT s.passed THEN 0.0 END) AS pass_rate
                          FROM executions x
                          JOIN prompt_versions pv ON pv.organization_id = x.organization_id AND pv.id = x.prompt_version_id
                          JOIN scores s ON s.organization_id = x.organization_id AND s.execution_id = x.id
                          JOIN evaluator_versions v
                            ON v.organization_id = s.organization_id AND v.id = s.evaluator_version_id
                          JOIN evaluators ev ON ev.organization_id = v.organization_id AND ev.id = v.evaluator_id
                         WHERE x.organization_id = :organizationId
                           AND x.prompt_id = :promptId
                           AND x.created_at >= :from AND x.created_at < :to
                           AND x.request_id IS NOT NULL
                         GROUP BY 1, 2, 3, 4, 5
                         ORDER BY 1, 2, 4, 5""")
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .param("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .query((row, number) -> new DailyResult(
                        row.getObject("day", LocalDate.class),
                        row.getInt("prompt_version"),
                        row.getObject("evaluator_id", UUID.class),
                        row.getString("evaluator_name"),
                        row.getInt("evaluator_version"),
                        row.getLong("scored"),
                        row.getLong("errors"),
                        nullableDouble(row, "mean"),
                        nullableDouble(row, "pass_rate")))
                .list();
    }

    private static @Nullable Double nullableDouble(ResultSet row, String column) throws SQLException {
        double value = row.getDouble(column);
        return row.wasNull() ? null : value;
    }

    private static EvaluationRule rule(ResultSet row, int number) throws SQLException {
        List<EvaluatorId> evaluators = new ArrayList<>();
        Array array = row.getArray("evaluator_ids");
        for (Object id : (Object[]) array.getArray()) {
            evaluators.add(new EvaluatorId((UUID) id));
        }
        return new EvaluationRule(
                row.getObject("id", UUID.class),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                new PromptId(row.getObject("prompt_id", UUID.class)),
                row.getDouble("sampling_rate"),
                row.getString("label"),
                evaluators,
                row.getObject("created_by", UUID.class),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
