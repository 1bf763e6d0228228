package dev.promptline.api.platform.database;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration database: real PostgreSQL binaries (from Maven Central, unpacked on first start) running as a
 * child process, with the data kept in a local directory so it survives restarts.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final ConnectionSettings settings;

    private EmbeddedDatabase(EmbeddedPostgres postgres, ConnectionSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    static EmbeddedDatabase start(DatabaseProperties.Embedded embedded, String databaseName) {
        refuseRoot();
        Path directory = embedded.directory().toAbsolutePath().normalize();
        Path data = directory.resolve("postgres");
        Path binaries = directory.resolve("binaries");
        try {
            Files.createDirectories(data);
            Files.createDirectories(binaries);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setPort(embedded.port())
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setRegisterShutdownHook(true)
                    .start();
            createDatabaseIfMissing(postgres, databaseName);
            var settings = new ConnectionSettings(postgres.getJdbcUrl("postgres", databaseName), "postgres", null);
            log.atInfo()
                    .setMessage("Embedded PostgreSQL is running at {} with its data in {}")
                    .addArgument(settings.jdbcUrl())
                    .addArgument(data)
                    .addKeyValue("database.dataDirectory", data.toString())
                    .log();
            return new EmbeddedDatabase(postgres, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not start the embedded PostgreSQL in " + data + "; set DATABASE_URL to use a server", e);
        }
    }

    ConnectionSettings settings() {
        return settings;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /** PostgreSQL itself refuses to run as root; say so plainly instead of failing deep inside initdb. */
    private static void refuseRoot() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && new UnixSystem().getUid() == 0) {
            throw new IllegalStateException("The embedded PostgreSQL cannot run as root (PostgreSQL refuses to). "
                    + "Run Promptline as a regular user, or set DATABASE_URL to use a PostgreSQL server.");
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres, String name) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IOException("Could not create database " + name, e);
        }
    }
}
