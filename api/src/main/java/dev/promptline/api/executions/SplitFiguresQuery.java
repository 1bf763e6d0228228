package dev.promptline.api.executions;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.SplitFigures;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The figures of a traffic split's arms, from the executions it sent to each (the arm is the version they ran) and the
 * scores they were given. Two aggregate queries over the split's executions, found by their split id.
 */
@Component
class SplitFiguresQuery implements SplitFigures {
    private static final String EXECUTIONS = """
            SELECT v.version,
                   count(*) AS executions,
                   count(*) FILTER (WHERE e.status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE e.status IN ('failed', 'timed_out')) AS failed,
                   avg(e.latency_ms) FILTER (WHERE e.status = 'succeeded') AS mean_latency_ms,
                   coalesce(sum(e.cost_usd), 0) AS cost_usd
              FROM executions e
              JOIN prompt_versions v ON v.organization_id = e.organization_id AND v.id = e.prompt_version_id
             WHERE e.organization_id = :organizationId AND e.split_id = :splitId
             GROUP BY v.version
            """;
    /** Numeric scores as given; pass/fail scores as 1 or 0, so that their mean is the share that passed. */
    private static final String SCORES = """
            SELECT v.version, s.name,
                   avg(CASE s.kind WHEN 'numeric' THEN s.numeric_value
                                   WHEN 'boolean' THEN CASE WHEN s.boolean_value THEN 1.0 ELSE 0.0 END END) AS mean
              FROM scores s
              JOIN executions e ON e.organization_id = s.organization_id AND e.id = s.execution_id
              JOIN prompt_versions v ON v.organization_id = e.organization_id AND v.id = e.prompt_version_id
             WHERE e.organization_id = :organizationId AND e.split_id = :splitId
               AND s.kind IN ('numeric', 'boolean')
             GROUP BY v.version, s.name
             ORDER BY v.version, s.name
            """;

    private final JdbcClient jdbc;

    SplitFiguresQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<Integer, ArmFigures> of(OrganizationId organizationId, UUID splitId) {
        var scores = new HashMap<Integer, Map<String, Double>>();
        jdbc.sql(SCORES)
                .param("organizationId", organizationId.value())
                .param("splitId", splitId)
                .query(row -> {
                    scores.computeIfAbsent(row.getInt("version"), version -> new LinkedHashMap<>())
                            .put(row.getString("name"), row.getDouble("mean"));
                });
        var figures = new LinkedHashMap<Integer, ArmFigures>();
        jdbc.sql(EXECUTIONS)
                .param("organizationId", organizationId.value())
                .param("splitId", splitId)
                .query(row -> {
                    int version = row.getInt("version");
                    BigDecimal latency = row.getBigDecimal("mean_latency_ms");
                    figures.put(
                            version,
                            new ArmFigures(
                                    row.getLong("executions"),
                                    row.getLong("succeeded"),
                                    row.getLong("failed"),
                                    latency == null ? null : latency.doubleValue(),
                                    row.getBigDecimal("cost_usd"),
                                    scores.getOrDefault(version, Map.of())));
                });
        return figures;
    }
}
