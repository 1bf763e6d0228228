package dev.promptline.api.platform.database;

import dev.promptline.api.StartupFailure;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** A database server answered and refused: no such database, or wrong credentials. Waiting will not fix it. */
final class DatabaseRefusedException extends RuntimeException implements StartupFailure.WithExitCode {
    private static final long serialVersionUID = 1L;

    private final SQLException refusal;

    private DatabaseRefusedException(SQLException refusal, Throwable failure) {
        super("The database server refused the connection: " + refusal.getMessage(), failure);
        this.refusal = refusal;
    }

    /** The refusal behind {@code failure}, if a server refused: the innermost, the server's own words. */
    static @Nullable DatabaseRefusedException of(Throwable failure) {
        SQLException refusal = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && isRefusal(sql.getSQLState())) {
                refusal = sql;
            }
        }
        return refusal == null ? null : new DatabaseRefusedException(refusal, failure);
    }

    boolean missingDatabase() {
        return "3D000".equals(refusal.getSQLState());
    }

    /** EX_UNAVAILABLE from sysexits.h. */
    @Override
    public int exitCode() {
        return 69;
    }

    private static boolean isRefusal(@Nullable String sqlState) {
        return "3D000".equals(sqlState) || "28P01".equals(sqlState) || "28000".equals(sqlState);
    }
}
