package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Reads a database refusal by its SQLState (PostgreSQL's Appendix A), which says whose mistake it is without parsing
 * messages that may quote row contents.
 */
final class DatabaseErrors {
    private static final Pattern CONSTRAINT = Pattern.compile("constraint \"([A-Za-z0-9_]{1,63})\"");

    private DatabaseErrors() {}

    static ErrorCode codeFor(DataIntegrityViolationException e) {
        String state = sqlState(e);
        if (state == null) {
            return ErrorCode.INTERNAL;
        }
        return switch (state) {
            // unique, foreign key, exclusion: the row clashes with others
            case "23505", "23503", "23P01" -> ErrorCode.CONFLICT;
            // not null, check: the row breaks a rule on its own
            case "23502", "23514" -> ErrorCode.INVALID_REQUEST;
            // class 22, data exception: a value the column cannot hold (NUL, out of range, too long)
            default -> state.startsWith("22") ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
        };
    }

    /** {@code " (rule users_email_format)"} when the refusal names a constraint, else empty. */
    static String rule(DataIntegrityViolationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException && cause.getMessage() != null) {
                Matcher constraint = CONSTRAINT.matcher(cause.getMessage());
                if (constraint.find()) {
                    return " (rule " + constraint.group(1) + ")";
                }
            }
        }
        return "";
    }

    private static @Nullable String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
