package dev.promptline.api.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The deploy job's command: {@code migrate} applies every migration and exits 0 even where the replicas run with
 * {@code DATABASE_MIGRATE_ON_START=false}, creates no organization (its log is thrown away with the job), and exits
 * non-zero when the database cannot be migrated.
 */
class MigrateCommandIT {
    private String database;

    @BeforeEach
    void createEmptyDatabase() {
        database = TestDatabases.createEmpty();
    }

    @AfterEach
    void dropDatabase() {
        TestDatabases.drop(database);
    }

    @Test
    void appliesEveryMigrationAndExitsWithoutBootstrapping() throws Exception {
        try (var process = migrate(TestDatabases.url(database))) {
            assertThat(process.waitForExit(Duration.ofSeconds(60)))
                    .as(process.output())
                    .isZero();
            assertThat(process.output()).contains("migration(s) applied").doesNotContain("shown only now");
        }
        assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
                .isZero();
        assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE success"))
                .as("every migration in the jar")
                .isEqualTo(migrationsInTheJar());
        assertThat(count("SELECT count(*) FROM organizations"))
                .as("the first organization is left to the service")
                .isZero();

        try (var again = migrate(TestDatabases.url(database))) {
            assertThat(again.waitForExit(Duration.ofSeconds(60)))
                    .as("nothing left to do is a success")
                    .isZero();
            assertThat(again.output()).contains("(0 migration(s) applied)");
        }
    }

    @Test
    void failsWhenTheDatabaseIsNotThere() throws Exception {
        String missing = TestDatabases.url(database).replace(database, database + "_missing");
        try (var process = migrate(missing)) {
            assertThat(process.waitForExit(Duration.ofSeconds(60))).isNotZero();
        }
    }

    private static ServiceProcess migrate(String url) {
        var command = ServiceProcess.javaCommand(
                List.of(), ServiceProcess.testClasspath(), ApiApplication.class.getName(), ApiApplication.MIGRATE);
        return ServiceProcess.start(
                command,
                Map.of(
                        "DATABASE_URL",
                        url,
                        "DATABASE_USER",
                        TestDatabases.USER,
                        "DATABASE_PASSWORD",
                        TestDatabases.PASSWORD,
                        "DATABASE_MIGRATE_ON_START",
                        "false",
                        "DATABASE_CONNECTION_TIMEOUT",
                        "2s"));
    }

    private int count(String sql) throws SQLException {
        try (var connection = TestDatabases.connect(database);
                var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static int migrationsInTheJar() throws IOException {
        return new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/V*.sql").length;
    }
}
