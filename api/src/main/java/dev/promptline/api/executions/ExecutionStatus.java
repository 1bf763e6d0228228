package dev.promptline.api.executions;

import java.util.Locale;

/** Where an execution stands. Pending and running are open; the rest are terminal and never change again. */
public enum ExecutionStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    TIMED_OUT;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExecutionStatus fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }
}
