package dev.promptline.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Databases for integration tests on the local PostgreSQL server. The migrations are applied once to a template
 * database named after a hash of the migration files (so a changed migration gets a fresh template), and every test
 * class copies it: {@code CREATE DATABASE ... TEMPLATE} takes milliseconds and isolates classes from each other.
 */
public final class TestDatabases {
    /**
     * Admin connection to the server the tests use: PROMPTLINE_TEST_DATABASE_URL, else the local server, else one
     * started for the run.
     */
    public static final String SERVER_URL = LocalServers.postgresAdminUrl();

    public static final String USER = env("PROMPTLINE_TEST_DATABASE_USER", "postgres");
    public static final String PASSWORD = env("PROMPTLINE_TEST_DATABASE_PASSWORD", "");

    private static final long TEMPLATE_LOCK = 0x70726f6d70746cL;
    private static volatile String template;

    private TestDatabases() {}

    /** A new database with the current schema; the caller drops it. */
    public static String createMigrated() {
        return create(template());
    }

    /** A new, empty database; the caller drops it. */
    public static String createEmpty() {
        return create("template0");
    }

    public static String url(String database) {
        return SERVER_URL.substring(0, SERVER_URL.lastIndexOf('/') + 1) + database;
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, PASSWORD);
    }

    public static void drop(String database) {
        admin("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
    }

    /** Makes a database refuse connections and drops the open ones: from the service's side, the server is gone. */
    public static void cutOff(String database) {
        admin("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS false");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
    }

    public static void restore(String database) {
        admin("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS true");
    }

    public static void migrate(String database) {
        Flyway.configure()
                .dataSource(url(database), USER, PASSWORD)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static String create(String templateName) {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        admin("CREATE DATABASE \"" + name + "\" TEMPLATE \"" + templateName + "\"");
        return name;
    }

    private static String template() {
        String name = template;
        if (name == null) {
            synchronized (TestDatabases.class) {
                name = template;
                if (name == null) {
                    name = "promptline_it_" + migrationsHash();
                    createTemplateOnce(name);
                    template = name;
                }
            }
        }
        return name;
    }

    /** Under an advisory lock, so concurrent test runs on one server create the template once. */
    private static void createTemplateOnce(String name) {
        try (Connection connection = DriverManager.getConnection(SERVER_URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + TEMPLATE_LOCK + ")");
            try {
                var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
                if (!exists.next()) {
                    String building = name + "_building";
                    statement.execute("DROP DATABASE IF EXISTS \"" + building + "\" WITH (FORCE)");
                    statement.execute("CREATE DATABASE \"" + building + "\" TEMPLATE template0");
                    migrate(building);
                    // Renamed only when complete, so a crash mid-migration never leaves a half-built template.
                    statement.execute("ALTER DATABASE \"" + building + "\" RENAME TO \"" + name + "\"");
                }
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + TEMPLATE_LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot prepare the test database template on " + SERVER_URL
                            + ". Is PostgreSQL running? (.ci/run starts it.)",
                    e);
        }
    }

    private static String migrationsHash() {
        try {
            Resource[] scripts =
                    new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/*.sql");
            Arrays.sort(scripts, Comparator.comparing(Resource::getFilename));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Resource script : scripts) {
                digest.update(String.valueOf(script.getFilename()).getBytes(StandardCharsets.UTF_8));
                digest.update(script.getContentAsByteArray());
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(SERVER_URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Failed: " + sql, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
