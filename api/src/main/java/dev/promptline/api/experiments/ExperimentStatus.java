package dev.promptline.api.experiments;

import java.util.Locale;

/** Where an experiment is: waiting for a runner, running, or ended (and how). */
public enum ExperimentStatus {
    QUEUED,
    RUNNING,
    /** Every run ended; some may have failed (re-run them with {@code POST …/rerun}). */
    COMPLETED,
    CANCELLED,
    /** Every run failed: nothing to summarise (a deleted prompt, a provider that refuses every request). */
    FAILED;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExperimentStatus fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
