package dev.promptline.api.seed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The documented seed command loads the demo data into an empty database, and running it again changes nothing. */
class SeedCommandIT {
    private static final String DEMO = "00000000-0000-7000-8000-000000000001";

    private String database;
    private String lastOutput = "";

    @BeforeEach
    void createEmptyDatabase() {
        database = TestDatabases.createEmpty();
    }

    @AfterEach
    void dropDatabase() {
        TestDatabases.drop(database);
    }

    @Test
    void migratesLoadsTheDemoAndIsIdempotent() throws Exception {
        assertThat(seed()).isZero();
        Map<String, Integer> first = counts();
        assertThat(demoKeys()).as("the demo owner gets a key").isEqualTo(1);
        assertThat(lastOutput).containsPattern("demo organization's owner.*pl_[a-z0-9]{12}_");
        assertThat(first)
                .containsEntry("organizations", 1)
                .containsEntry("users", 1)
                .containsEntry("models", 4)
                .containsEntry("prompts", 2)
                .containsEntry("prompt_versions", 3)
                .containsEntry("prompt_labels", 2);

        try (var connection = TestDatabases.connect(database);
                var statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE prompts SET description = 'edited by a user' WHERE name = 'summarize'");
        }
        assertThat(seed()).isZero();

        assertThat(counts()).isEqualTo(first);
        assertThat(demoKeys()).as("and only one, however often the seed runs").isEqualTo(1);
        try (var connection = TestDatabases.connect(database);
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT description FROM prompts WHERE name = 'summarize'")) {
            rows.next();
            assertThat(rows.getString(1)).as("seeding never overwrites edits").isEqualTo("edited by a user");
        }
    }

    private int seed() throws InterruptedException {
        var command = ServiceProcess.javaCommand(
                List.of(), ServiceProcess.testClasspath(), ApiApplication.class.getName(), SeedCommand.NAME);
        try (var process = ServiceProcess.start(
                command,
                Map.of(
                        "DATABASE_URL",
                        TestDatabases.url(database),
                        "DATABASE_USER",
                        TestDatabases.USER,
                        "DATABASE_PASSWORD",
                        TestDatabases.PASSWORD))) {
            int exitCode = process.waitForExit(Duration.ofSeconds(60));
            assertThat(process.output()).contains("Demo data loaded");
            lastOutput = process.output();
            return exitCode;
        }
    }

    private int demoKeys() throws SQLException {
        try (var connection = TestDatabases.connect(database);
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT count(*) FROM api_keys WHERE organization_id = '" + DEMO + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private Map<String, Integer> counts() throws SQLException {
        var counts = new LinkedHashMap<String, Integer>();
        try (var connection = TestDatabases.connect(database);
                var statement = connection.createStatement()) {
            for (String table :
                    List.of("organizations", "users", "models", "prompts", "prompt_versions", "prompt_labels")) {
                String column = table.equals("organizations") ? "id" : "organization_id";
                var rows = statement.executeQuery(
                        "SELECT count(*) FROM %s WHERE %s = '%s'".formatted(table, column, DEMO));
                rows.next();
                counts.put(table, rows.getInt(1));
            }
        }
        return counts;
    }
}
