package dev.promptline.api.platform.database;

import dev.promptline.api.StartupFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration database: real PostgreSQL binaries (from Maven Central, unpacked on first start) running as a
 * child process, with the data kept in a local directory so it survives restarts.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgresServer postgres;
    private final ConnectionSettings settings;

    private EmbeddedDatabase(EmbeddedPostgresServer postgres, ConnectionSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    static EmbeddedDatabase start(DatabaseProperties.Embedded embedded, String databaseName) {
        Path directory = embedded.directory().toAbsolutePath().normalize();
        try {
            var postgres = EmbeddedPostgresServer.start(directory, embedded.port(), embedded.account());
            createDatabaseIfMissing(postgres, databaseName);
            var settings = new ConnectionSettings(postgres.jdbcUrl(databaseName), "postgres", null);
            log.atInfo()
                    .setMessage("Embedded PostgreSQL is running at {} with its data in {}")
                    .addArgument(settings.jdbcUrl())
                    .addArgument(postgres.dataDirectory())
                    .addKeyValue(
                            "database.dataDirectory", postgres.dataDirectory().toString())
                    .log();
            return new EmbeddedDatabase(postgres, settings);
        } catch (IOException e) {
            throw new EmbeddedDatabaseException(
                    "Could not start the embedded PostgreSQL in " + directory + ": " + e.getMessage(), e);
        }
    }

    ConnectionSettings settings() {
        return settings;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static void createDatabaseIfMissing(EmbeddedPostgresServer postgres, String name) throws IOException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "");
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

    /** The embedded server could not start; the start-up failure analyzer turns it into one line. */
    static final class EmbeddedDatabaseException extends UncheckedIOException implements StartupFailure.WithExitCode {
        private static final long serialVersionUID = 1L;

        EmbeddedDatabaseException(String message, IOException cause) {
            super(message, cause);
        }

        /** EX_OSERR from sysexits.h. */
        @Override
        public int exitCode() {
            return 71;
        }
    }
}
