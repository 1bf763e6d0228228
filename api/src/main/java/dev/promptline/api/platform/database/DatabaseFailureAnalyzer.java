package dev.promptline.api.platform.database;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * One short report instead of a stack trace when the database cannot be used at start-up: the embedded server did not
 * start, or a server answered and refused. A server that does not answer at all does not stop start-up (see
 * {@link SchemaMigrations}).
 */
final class DatabaseFailureAnalyzer implements FailureAnalyzer {
    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EmbeddedDatabase.EmbeddedDatabaseException embedded) {
                return new FailureAnalysis(
                        embedded.getMessage(),
                        "Run as a regular user, or as root with an account PostgreSQL may run as "
                                + "(EMBEDDED_DATABASE_ACCOUNT), or set DATABASE_URL to use a PostgreSQL server.",
                        embedded);
            }
            if (cause instanceof DatabaseRefusedException refused) {
                return new FailureAnalysis(
                        refused.getMessage(),
                        refused.missingDatabase()
                                ? "Create the database (createdb NAME), or point DATABASE_URL at one that exists."
                                : "Check DATABASE_USER and DATABASE_PASSWORD, or the user and password in DATABASE_URL.",
                        refused);
            }
        }
        return null;
    }
}
