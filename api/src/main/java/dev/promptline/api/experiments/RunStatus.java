package dev.promptline.api.experiments;

import java.util.Locale;

/** Where one run (a dataset item at one repetition) is. */
public enum RunStatus {
    QUEUED,
    /** Claimed by a replica under a lease: executing, or being evaluated. */
    RUNNING,
    /** Its execution succeeded and its evaluators gave their verdicts (an evaluator error is a verdict too). */
    SUCCEEDED,
    /** Its execution failed (the provider, the deadline, a refused request); re-runnable. */
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
