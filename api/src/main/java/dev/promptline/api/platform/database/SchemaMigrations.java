package dev.promptline.api.platform.database;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Applies pending migrations at start-up. A database that does not answer yet does not stop the service: it starts,
 * {@code /ready} says 503 (the schema check fails), and the migrations run in the background as soon as the database
 * answers, instead of a crash loop while a database comes up beside the service. A database that answers and refuses
 * (missing, wrong credentials, a failed migration) still fails start-up: waiting would not fix it.
 */
final class SchemaMigrations {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private final ApplicationEventPublisher events;
    private final boolean waitForDatabase;

    /**
     * @param waitForDatabase whether to start without the database: yes for the service, no for a command (migrate,
     *     seed), which should fail at once and say why
     */
    SchemaMigrations(ApplicationEventPublisher events, boolean waitForDatabase) {
        this.events = events;
        this.waitForDatabase = waitForDatabase;
    }

    void atStartup(Flyway flyway, boolean migrateOnStart) {
        if (!migrateOnStart) {
            log.info("Skipping migrations at start-up (DATABASE_MIGRATE_ON_START=false); /ready waits for them");
            return;
        }
        try {
            migrate(flyway);
        } catch (RuntimeException e) {
            DatabaseRefusedException refused = DatabaseRefusedException.of(e);
            if (refused != null) {
                throw refused;
            }
            if (!waitForDatabase || !unreachable(e)) {
                throw e;
            }
            log.warn(
                    "The database does not answer ({}); starting anyway: /ready answers 503 until it does, "
                            + "then the migrations run",
                    rootMessage(e));
            Thread.ofVirtual().name("schema-migrations").start(() -> migrateOnceReachable(flyway));
        }
    }

    private void migrateOnceReachable(Flyway flyway) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(RETRY_INTERVAL);
                migrate(flyway);
                events.publishEvent(new SchemaMigrated());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!unreachable(e)) {
                    log.error(
                            "Migrations failed once the database answered; the service stays unready: {}",
                            rootMessage(e));
                    return;
                }
            }
        }
    }

    private static void migrate(Flyway flyway) {
        var result = flyway.migrate();
        log.info(
                "Database schema at version {} ({} migration(s) applied)",
                version(result.targetSchemaVersion),
                result.migrationsExecuted);
    }

    /** No connection could be made (refused, timed out, unknown host): a database that may yet come up. */
    static boolean unreachable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (cause instanceof SQLTransientConnectionException && cause.getCause() == null) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String version(@Nullable String version) {
        return version == null ? "(unchanged)" : version;
    }
}
