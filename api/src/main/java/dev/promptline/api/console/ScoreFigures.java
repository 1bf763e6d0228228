package dev.promptline.api.console;

import dev.promptline.api.evaluations.Score;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.experiments.Statistics;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Evaluation figures as the pages write them: means to three decimals, intervals, shares as percentages. */
final class ScoreFigures {
    static String number(@Nullable Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%.3f", value);
    }

    /** A difference with its sign, so that a regression reads as one. */
    static String signed(@Nullable Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%+.3f", value);
    }

    static String interval(Statistics.@Nullable Interval interval) {
        return interval == null ? "—" : interval(interval.low(), interval.high());
    }

    static String interval(double low, double high) {
        return String.format(Locale.ROOT, "%.3f to %.3f", low, high);
    }

    static String percent(@Nullable Double share) {
        return share == null ? "—" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String pValue(@Nullable Double p) {
        if (p == null) {
            return "—";
        }
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    static String latency(@Nullable Long millis) {
        return Figures.latency(millis == null ? null : (int) Math.min(millis, Integer.MAX_VALUE));
    }

    /** A score as a cell shows it: its value (and whether it passed), or the evaluator's error. */
    static String score(Score score) {
        if (score.error() != null) {
            return score.name() + ": error (" + score.error() + ")";
        }
        String value = switch (score.value()) {
            case ScoreValue.Numeric numeric -> String.format(Locale.ROOT, "%.3f", numeric.value());
            case ScoreValue.Bool bool -> bool.value() ? "yes" : "no";
            case ScoreValue.Category category -> category.value();
            case null -> "—";
        };
        String passed = score.passed() == null ? "" : score.passed() ? ", passed" : ", failed";
        return score.name() + ": " + value + passed;
    }

    private ScoreFigures() {}
}
