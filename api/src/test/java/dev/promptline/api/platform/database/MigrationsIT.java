package dev.promptline.api.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** The migrations build the whole schema on an empty database, are idempotent, and the schema keeps its promises. */
class MigrationsIT {
    private static String database;
    private static SingleConnectionDataSource dataSource;
    private static JdbcClient jdbc;

    @BeforeAll
    static void migrateAnEmptyDatabase() throws SQLException {
        database = TestDatabases.createEmpty();
        Connection connection = TestDatabases.connect(database);
        dataSource = new SingleConnectionDataSource(connection, true);
        jdbc = JdbcClient.create(dataSource);
        assertThat(flyway().migrate().migrationsExecuted).isEqualTo((int) shippedMigrations());
    }

    @AfterAll
    static void dropDatabase() {
        dataSource.destroy();
        TestDatabases.drop(database);
    }

    /** Every migration the service ships runs on an empty database. */
    private static long shippedMigrations() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".sql"))
                    .count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Flyway flyway() {
        return Flyway.configure()
                .dataSource(TestDatabases.url(database), TestDatabases.USER, TestDatabases.PASSWORD)
                .locations("classpath:db/migration")
                .load();
    }

    @Test
    void createsEveryCoreTable() {
        List<String> tables = jdbc.sql("""
                        SELECT table_name FROM information_schema.tables
                        WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history'
                        ORDER BY table_name
                        """).query(String.class).list();
        assertThat(tables)
                .containsExactly(
                        "api_keys",
                        "benchmark_metrics",
                        "benchmarks",
                        "budget_windows",
                        "budgets",
                        "console_sessions",
                        "dataset_items",
                        "dataset_versions",
                        "datasets",
                        "evaluation_rule_evaluators",
                        "evaluation_rules",
                        "evaluator_versions",
                        "evaluators",
                        "executions",
                        "experiment_runs",
                        "experiments",
                        "label_policies",
                        "leaderboard_entries",
                        "models",
                        "organizations",
                        "prompt_label_moves",
                        "prompt_label_splits",
                        "prompt_labels",
                        "prompt_versions",
                        "prompts",
                        "scores",
                        "users");
    }

    @Test
    void migratingAgainAppliesNothingAndValidates() {
        var flyway = flyway();
        assertThat(flyway.migrate().migrationsExecuted).isZero();
        flyway.validate();
        assertThat(flyway.info().pending()).isEmpty();
    }

    @Test
    void everyTableRoundTrips() {
        var tenant = new Tenant();
        assertThat(jdbc.sql("SELECT slug FROM organizations WHERE id = ?")
                        .param(tenant.organization)
                        .query(String.class)
                        .single())
                .isEqualTo(tenant.slug);
        UUID execution = tenant.execution("succeeded");
        UUID evaluatorVersion = tenant.evaluator("similar", "levenshtein");
        UUID score = tenant.score(execution, evaluatorVersion, 0.75);
        jdbc.sql("INSERT INTO api_keys (organization_id, user_id, name, prefix, secret_hash) VALUES (?, ?, 'ci', ?, ?)")
                .params(tenant.organization, tenant.user, "pl_" + tenant.slug, new byte[32])
                .update();

        assertThat(jdbc.sql("SELECT numeric_value FROM scores WHERE id = ?")
                        .param(score)
                        .query(Double.class)
                        .single())
                .isEqualTo(0.75);
        assertThat(jdbc.sql("SELECT config ->> 'threshold' FROM evaluator_versions WHERE id = ?")
                        .param(evaluatorVersion)
                        .query(String.class)
                        .single())
                .isEqualTo("0.8");
        assertThat(jdbc.sql(
                                "SELECT version FROM prompt_versions pv JOIN prompt_labels pl ON pl.prompt_version_id = pv.id "
                                        + "WHERE pl.prompt_id = ? AND pl.name = 'production'")
                        .param(tenant.prompt)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE organization_id = ?")
                        .param(tenant.organization)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void rejectsAnUnknownExecutionStatus() {
        var tenant = new Tenant();
        assertThatThrownBy(() -> tenant.execution("exploded")).hasMessageContaining("executions_status_check");
    }

    @Test
    void aTerminalExecutionMustBeFinishedAndAFailureMustSayWhy() {
        var tenant = new Tenant();
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO executions (id, organization_id, provider, provider_model_id, input, status)
                        VALUES (?, ?, 'echo', 'echo', '{}', 'succeeded')
                        """)
                        .params(UUID.randomUUID(), tenant.organization)
                        .update())
                .hasMessageContaining("executions_finished_when_terminal");
        assertThatThrownBy(() -> jdbc.sql("""
                        INSERT INTO executions (id, organization_id, provider, provider_model_id, input, status, finished_at)
                        VALUES (?, ?, 'echo', 'echo', '{}', 'failed', now())
                        """)
                        .params(UUID.randomUUID(), tenant.organization)
                        .update())
                .hasMessageContaining("executions_failure_has_code");
    }

    @Test
    void versionNumbersAreUniquePerPrompt() {
        var tenant = new Tenant();
        assertThatThrownBy(() -> tenant.version(tenant.prompt, 1))
                .hasMessageContaining("prompt_versions_prompt_id_version_key");
    }

    @Test
    void rowsCannotPointAcrossTenants() {
        var a = new Tenant();
        var b = new Tenant();
        assertThatThrownBy(() ->
                        jdbc.sql("""
                        INSERT INTO prompt_versions (organization_id, prompt_id, version, template_format, template, model_id)
                        VALUES (?, ?, 2, 'text', '"hi"', ?)
                        """).params(a.organization, a.prompt, b.model).update())
                .hasMessageContaining("prompt_versions_model_fkey");
    }

    @Test
    void aLabelCanOnlyPointAtAVersionOfItsOwnPrompt() {
        var tenant = new Tenant();
        UUID otherPrompt = tenant.prompt("other");
        UUID otherVersion = tenant.version(otherPrompt, 1);
        assertThatThrownBy(() -> jdbc.sql("UPDATE prompt_labels SET prompt_version_id = ? WHERE prompt_id = ?")
                        .params(otherVersion, tenant.prompt)
                        .update())
                .hasMessageContaining("prompt_labels_version_fkey");
    }

    @Test
    void executionsOutliveThePromptAndModelTheyRan() {
        var tenant = new Tenant();
        UUID execution = tenant.execution("succeeded");

        jdbc.sql("DELETE FROM prompts WHERE id = ?").param(tenant.prompt).update();

        var row = jdbc.sql(
                        "SELECT organization_id, prompt_id, prompt_version_id, provider FROM executions WHERE id = ?")
                .param(execution)
                .query((rs, n) -> new Object[] {rs.getObject(1), rs.getObject(2), rs.getObject(3), rs.getString(4)})
                .single();
        assertThat(row[0]).isEqualTo(tenant.organization);
        assertThat(row[1]).isNull();
        assertThat(row[2]).isNull();
        assertThat(row[3]).isEqualTo("echo");
    }

    @Test
    void aVersionsModelCannotBeDeletedFromUnderIt() {
        var tenant = new Tenant();
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM models WHERE id = ?")
                        .param(tenant.model)
                        .update())
                .hasMessageContaining("prompt_versions_model_fkey");
    }

    @Test
    void deletingAnOrganizationDeletesEverythingItOwns() {
        var tenant = new Tenant();
        UUID execution = tenant.execution("succeeded");
        tenant.score(execution, tenant.evaluator("similar", "levenshtein"), 0.5);
        UUID dataset = tenant.dataset("tickets");
        tenant.item(dataset, 1, null, execution);
        jdbc.sql("INSERT INTO budgets (organization_id, period, limit_usd) VALUES (?, 'day', 1)")
                .param(tenant.organization)
                .update();

        jdbc.sql("DELETE FROM organizations WHERE id = ?")
                .param(tenant.organization)
                .update();

        for (String table : List.of(
                "users",
                "models",
                "prompts",
                "prompt_versions",
                "prompt_labels",
                "executions",
                "evaluators",
                "evaluator_versions",
                "scores",
                "datasets",
                "dataset_versions",
                "dataset_items",
                "budgets")) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = ?")
                            .param(tenant.organization)
                            .query(Integer.class)
                            .single())
                    .as(table)
                    .isZero();
        }
    }

    @Test
    void commonQueriesHaveTheirIndexes() {
        List<String> indexes = new ArrayList<>(jdbc.sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
                .query(String.class)
                .list());
        assertThat(indexes)
                .contains(
                        "prompts_organization_id_name_key",
                        "executions_prompt_id_created_at_idx",
                        "executions_status_created_at_idx",
                        "executions_organization_id_created_at_idx",
                        "executions_unfinished_deadline_idx",
                        "datasets_organization_id_name_key",
                        "dataset_versions_dataset_id_version_key",
                        "dataset_items_dataset_id_ordinal_idx",
                        "evaluators_organization_id_name_key",
                        "evaluator_versions_evaluator_id_version_key",
                        "scores_execution_id_created_at_idx",
                        "scores_evaluator_version_id_idx");
    }

    @Test
    void datasetItemsStayInsideTheirDatasetAndItsVersions() {
        var tenant = new Tenant();
        var other = new Tenant();
        UUID dataset = tenant.dataset("tickets");

        assertThatThrownBy(() -> other.item(dataset, 1, null, null)).hasMessageContaining("dataset_items_dataset_fkey");
        assertThatThrownBy(() -> tenant.item(dataset, 2, null, null))
                .hasMessageContaining("dataset_items_added_in_version_fkey");
        assertThatThrownBy(() -> tenant.item(dataset, 1, 1, null))
                .hasMessageContaining("dataset_items_range_not_empty");
        UUID foreign = other.execution("succeeded");
        assertThatThrownBy(() -> tenant.item(dataset, 1, null, foreign))
                .hasMessageContaining("dataset_items_source_execution_fkey");
        assertThatThrownBy(
                        () -> jdbc.sql("INSERT INTO dataset_versions (organization_id, dataset_id, version, item_count)"
                                        + " VALUES (?, ?, 1, 0)")
                                .params(tenant.organization, dataset)
                                .update())
                .hasMessageContaining("dataset_versions_dataset_id_version_key");
        UUID execution = tenant.execution("succeeded");
        tenant.item(dataset, 1, null, execution);
        jdbc.sql("DELETE FROM executions WHERE id = ?").param(execution).update();
        assertThat(jdbc.sql("SELECT count(*) FROM dataset_items WHERE dataset_id = ? AND source_execution_id IS NULL")
                        .param(dataset)
                        .query(Integer.class)
                        .single())
                .as("the item outlives the execution it was made from")
                .isEqualTo(1);
    }

    @Test
    void scoresHoldAValueOfTheirKindOrAnErrorAndStayInsideTheirTenant() {
        var tenant = new Tenant();
        var other = new Tenant();
        UUID execution = tenant.execution("succeeded");
        UUID evaluatorVersion = tenant.evaluator("exact", "exact_match");

        assertThatThrownBy(() ->
                        jdbc.sql("""
                                INSERT INTO scores (organization_id, execution_id, name, kind, numeric_value, range_min,
                                                    range_max)
                                VALUES (?, ?, 'grade', 'numeric', 6, 1, 5)
                                """).params(tenant.organization, execution).update())
                .hasMessageContaining("scores_value_shape");
        assertThatThrownBy(() -> jdbc.sql("""
                                INSERT INTO scores (organization_id, execution_id, name, kind, boolean_value, error,
                                                    evaluator_version_id)
                                VALUES (?, ?, 'exact', 'boolean', true, 'judge answered garbage', ?)
                                """)
                        .params(tenant.organization, execution, evaluatorVersion)
                        .update())
                .hasMessageContaining("scores_value_or_error");
        assertThatThrownBy(() ->
                        jdbc.sql("""
                                INSERT INTO scores (organization_id, execution_id, name, error)
                                VALUES (?, ?, 'exact', 'no evaluator to blame')
                                """).params(tenant.organization, execution).update())
                .hasMessageContaining("scores_error_only_from_evaluators");
        assertThatThrownBy(() -> other.score(execution, other.evaluator("exact", "exact_match"), 1))
                .hasMessageContaining("scores_execution_fkey");
        assertThatThrownBy(() -> tenant.score(execution, other.evaluator("theirs", "exact_match"), 1))
                .hasMessageContaining("scores_evaluator_version_fkey");

        UUID score = tenant.score(execution, evaluatorVersion, 1);
        jdbc.sql("DELETE FROM evaluators WHERE organization_id = ?")
                .param(tenant.organization)
                .update();
        assertThat(jdbc.sql("SELECT count(*) FROM scores WHERE id = ?")
                        .param(score)
                        .query(Integer.class)
                        .single())
                .as("deleting an evaluator deletes what it concluded")
                .isZero();
    }

    /** One organization with a user, a model, a prompt at version 1 labelled production. */
    private static final class Tenant {
        final String slug = "org-" + UUID.randomUUID().toString().substring(0, 8);
        final UUID organization =
                insert("INSERT INTO organizations (name, slug) VALUES ('Acme', ?) RETURNING id", slug);
        final UUID user = insert(
                "INSERT INTO users (organization_id, email, role) VALUES (?, 'Ada@Example.com', 'owner') RETURNING id",
                organization);
        final UUID model = insert("""
                        INSERT INTO models (organization_id, provider, name, provider_model_id, parameters,
                                            input_price_per_million, output_price_per_million)
                        VALUES (?, 'openai', 'gpt', 'gpt-4o-mini', '{"temperature": 0.2}', 0.15, 0.6) RETURNING id
                        """, organization);
        final UUID prompt = prompt("triage");
        final UUID version = version(prompt, 1);

        Tenant() {
            jdbc.sql(
                            "INSERT INTO prompt_labels (organization_id, prompt_id, name, prompt_version_id) VALUES (?, ?, 'production', ?)")
                    .params(organization, prompt, version)
                    .update();
        }

        UUID prompt(String name) {
            return insert(
                    "INSERT INTO prompts (organization_id, name, tags, created_by) VALUES (?, ?, '{support}', ?) RETURNING id",
                    organization,
                    name,
                    user);
        }

        UUID version(UUID promptId, int number) {
            return insert("""
                            INSERT INTO prompt_versions (organization_id, prompt_id, version, template_format, template,
                                                         variables, model_id, created_by)
                            VALUES (?, ?, ?, 'chat', '[{"role": "user", "content": "{{ticket}}"}]', '{ticket}', ?, ?)
                            RETURNING id
                            """, organization, promptId, number, model, user);
        }

        UUID execution(String status) {
            UUID id = UUID.randomUUID();
            jdbc.sql("""
                            INSERT INTO executions (id, organization_id, prompt_id, prompt_version_id, model_id, provider,
                                                    provider_model_id, input, output, tokens_input, tokens_output,
                                                    latency_ms, cost_usd, status, finished_at)
                            VALUES (?, ?, ?, ?, ?, 'echo', 'echo', '{"ticket": "refund"}', 'billing', 12, 3, 40,
                                    0.0000036, ?, now())
                            """)
                    .params(id, organization, prompt, version, model, status)
                    .update();
            return id;
        }

        /** A dataset at version 1, empty. */
        UUID dataset(String name) {
            UUID id = insert(
                    "INSERT INTO datasets (organization_id, name, created_by) VALUES (?, ?, ?) RETURNING id",
                    organization,
                    name,
                    user);
            jdbc.sql(
                            "INSERT INTO dataset_versions (organization_id, dataset_id, version, item_count) VALUES (?, ?, 1, 0)")
                    .params(organization, id)
                    .update();
            return id;
        }

        UUID item(UUID dataset, int added, @Nullable Integer removed, @Nullable UUID execution) {
            return insert(
                    "INSERT INTO dataset_items (organization_id, dataset_id, input, added_in_version, removed_in_version,"
                            + " source_execution_id) VALUES (?, ?, '{\"ticket\": \"refund\"}', ?, ?, ?) RETURNING id",
                    organization,
                    dataset,
                    added,
                    removed,
                    execution);
        }

        /** An evaluator at version 1; returns the version's id. */
        UUID evaluator(String name, String type) {
            UUID id = insert(
                    "INSERT INTO evaluators (organization_id, name, type, created_by) VALUES (?, ?, ?, ?) RETURNING id",
                    organization,
                    name,
                    type,
                    user);
            return insert(
                    "INSERT INTO evaluator_versions (organization_id, evaluator_id, version, type, config, created_by)"
                            + " VALUES (?, ?, 1, ?, '{\"threshold\": 0.8}', ?) RETURNING id",
                    organization,
                    id,
                    type,
                    user);
        }

        /** A numeric score in [0, 1] that the evaluator version gave the execution. */
        UUID score(UUID execution, UUID evaluatorVersion, double value) {
            return insert(
                    "INSERT INTO scores (organization_id, execution_id, name, evaluator_version_id, kind, numeric_value,"
                            + " range_min, range_max, passed) VALUES (?, ?, 'similar', ?, 'numeric', ?, 0, 1, ?)"
                            + " RETURNING id",
                    organization,
                    execution,
                    evaluatorVersion,
                    value,
                    value >= 0.8);
        }

        private static UUID insert(String sql, @Nullable Object... params) {
            return jdbc.sql(sql).params(params).query(UUID.class).single();
        }
    }
}
