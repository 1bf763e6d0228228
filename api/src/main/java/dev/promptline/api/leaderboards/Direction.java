package dev.promptline.api.leaderboards;

import java.util.Locale;

/** Which way a metric gets better. */
public enum Direction {
    /** A larger mean is better: accuracy, similarity, a judge's grade. */
    HIGHER,
    /** A smaller mean is better: a distance, an error rate. */
    LOWER;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Direction fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** How much better {@code candidate} is than {@code baseline}: positive when better, negative when worse. */
    double improvement(double candidate, double baseline) {
        return this == HIGHER ? candidate - baseline : baseline - candidate;
    }

    /** Whether {@code mean} reaches {@code threshold} in this direction. */
    boolean reaches(double mean, double threshold) {
        return this == HIGHER ? mean >= threshold : mean <= threshold;
    }
}
