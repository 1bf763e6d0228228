package dev.promptline.api.leaderboards;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.prompts.PromptId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Label policies. Every statement filters on the organization. */
@Repository
class LabelPolicyRepository {
    private static final String COLUMNS = """
            prompt_id, label, benchmark_id, evaluator_id, threshold, max_regression, updated_by, updated_at""";
    private static final String FIND = "SELECT " + COLUMNS + """

            FROM label_policies
            WHERE organization_id = :organizationId AND prompt_id = :promptId AND label = :label
            """;
    private static final String OF_PROMPT = "SELECT " + COLUMNS + """

            FROM label_policies
            WHERE organization_id = :organizationId AND prompt_id = :promptId
            ORDER BY label
            """;
    private static final String UPSERT = """
            INSERT INTO label_policies
                   (organization_id, prompt_id, label, benchmark_id, evaluator_id, threshold, max_regression, updated_by)
            VALUES (:organizationId, :promptId, :label, :benchmarkId, :evaluatorId, :threshold, :maxRegression,
                    :updatedBy)
            ON CONFLICT (prompt_id, label) DO UPDATE
               SET benchmark_id = excluded.benchmark_id, evaluator_id = excluded.evaluator_id,
                   threshold = excluded.threshold, max_regression = excluded.max_regression,
                   updated_by = excluded.updated_by, updated_at = now()
            """;
    private static final String DELETE = """
            DELETE FROM label_policies WHERE organization_id = :organizationId AND prompt_id = :promptId AND label = :label
            """;

    private final JdbcClient jdbc;

    LabelPolicyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<LabelPolicy> find(OrganizationId organizationId, PromptId promptId, String label) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("label", label)
                .query(LabelPolicyRepository::map)
                .optional();
    }

    List<LabelPolicy> ofPrompt(OrganizationId organizationId, PromptId promptId) {
        return jdbc.sql(OF_PROMPT)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .query(LabelPolicyRepository::map)
                .list();
    }

    void upsert(
            OrganizationId organizationId,
            PromptId promptId,
            String label,
            BenchmarkId benchmarkId,
            UUID evaluatorId,
            double threshold,
            double maxRegression,
            UserId updatedBy) {
        jdbc.sql(UPSERT)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("label", label)
                .param("benchmarkId", benchmarkId.value())
                .param("evaluatorId", evaluatorId)
                .param("threshold", threshold)
                .param("maxRegression", maxRegression)
                .param("updatedBy", updatedBy.value())
                .update();
    }

    boolean delete(OrganizationId organizationId, PromptId promptId, String label) {
        return jdbc.sql(DELETE)
                        .param("organizationId", organizationId.value())
                        .param("promptId", promptId.value())
                        .param("label", label)
                        .update()
                > 0;
    }

    private static LabelPolicy map(ResultSet row, int rowNumber) throws SQLException {
        return new LabelPolicy(
                new PromptId(row.getObject("prompt_id", UUID.class)),
                row.getString("label"),
                new BenchmarkId(row.getObject("benchmark_id", UUID.class)),
                row.getObject("evaluator_id", UUID.class),
                row.getDouble("threshold"),
                row.getDouble("max_regression"),
                row.getObject("updated_by", UUID.class),
                row.getTimestamp("updated_at").toInstant());
    }
}
