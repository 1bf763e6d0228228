package dev.promptline.api.platform.web;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Bounded, printable text of caller input and of exceptions, for log lines and problem details: control characters
 * are escaped (they could forge lines or end a C string) and length is capped, so what a caller sends cannot make a
 * line much longer than the request that caused it.
 */
public final class LogSafe {
    static final int MAX_TEXT = 100;
    private static final int MAX_MESSAGE = 200;
    private static final int MAX_CAUSES = 5;

    private LogSafe() {}

    static String abbreviate(String text) {
        return abbreviate(text, MAX_TEXT);
    }

    private static String abbreviate(String text, int max) {
        var out = new StringBuilder();
        int read = 0;
        for (; read < text.length() && out.length() < max; read++) {
            char c = text.charAt(read);
            if (Character.isISOControl(c)) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        if (read < text.length()) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /**
     * One line for an exception: each cause's type and abbreviated message, and the outermost one's nearest frame of
     * our code, e.g. {@code IllegalStateException: boom (at dev.promptline.api.X.y(X.java:42)) <- SQLException: ...}.
     */
    public static String summary(Throwable error) {
        var out = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int depth = 0;
        for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (depth++ == MAX_CAUSES) {
                out.append(" <- ...");
                break;
            }
            if (!out.isEmpty()) {
                out.append(" <- ");
            }
            out.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                out.append(": ").append(abbreviate(cause.getMessage(), MAX_MESSAGE));
            }
            if (cause == error && cause.getStackTrace().length > 0) {
                out.append(" (at ").append(where(cause.getStackTrace())).append(')');
            }
        }
        return out.toString();
    }

    /** Our own frame nearest the throw, which says more than the library frame on top; the top one if none. */
    private static StackTraceElement where(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (frame.getClassName().startsWith("dev.promptline.")) {
                return frame;
            }
        }
        return frames[0];
    }
}
