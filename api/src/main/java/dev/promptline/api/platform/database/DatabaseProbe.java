package dev.promptline.api.platform.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One connection of its own, outside the pool, for the readiness check. After an outage the pool's connection creator
 * may sleep off its backoff (up to its connection timeout) before it tries again, so a check through the pool would
 * say "down" for seconds after the database answers again; this connection is reopened at the next check. A pool
 * drained by load does not make the replica unready either.
 */
public final class DatabaseProbe implements AutoCloseable {
    /** Ends a query on a server that stopped answering, so an abandoned check does not hold the connection for long. */
    private static final int SOCKET_TIMEOUT_SECONDS = 10;

    private final ConnectionSettings settings;
    private final Duration connectTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Connection connection;

    DatabaseProbe(ConnectionSettings settings, Duration connectTimeout) {
        this.settings = settings;
        this.connectTimeout = connectTimeout;
    }

    /** Work done on the probe's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on the probe's connection. A connection broken since the last check (the database restarted) is
     * replaced and the work tried once more, so the first check after an outage already sees the database.
     */
    public <T> T run(Work<T> work) throws SQLException {
        lock.lock();
        try {
            boolean reused = connection != null;
            try {
                return work.apply(connection());
            } catch (SQLException e) {
                close();
                if (!reused) {
                    throw e;
                }
                return work.apply(connection());
            }
        } finally {
            lock.unlock();
        }
    }

    private Connection connection() throws SQLException {
        Connection current = connection;
        if (current == null) {
            var properties = new Properties();
            if (settings.username() != null) {
                properties.setProperty("user", settings.username());
            }
            if (settings.password() != null) {
                properties.setProperty("password", settings.password());
            }
            String seconds = String.valueOf(Math.max(1, connectTimeout.toSeconds()));
            properties.setProperty("connectTimeout", seconds);
            properties.setProperty("loginTimeout", seconds);
            properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
            properties.setProperty("ApplicationName", "promptline-readiness");
            current = DriverManager.getConnection(settings.jdbcUrl(), properties);
            connection = current;
        }
        return current;
    }

    @Override
    public void close() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                // Broken already: nothing to release.
            }
        }
    }
}
