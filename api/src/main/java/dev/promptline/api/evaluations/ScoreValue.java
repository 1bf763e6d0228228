package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

/** A score's value: a number within a range, a yes or no, or one of a set of categories. */
public sealed interface ScoreValue {
    /** A number in {@code [min, max]}, for example a similarity in [0, 1] or a judge's grade in [1, 5]. */
    record Numeric(double value, double min, double max) implements ScoreValue {
        public Numeric {
            if (!Double.isFinite(value) || !Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("a numeric score and its range are finite");
            }
            if (min > max || value < min || value > max) {
                throw new IllegalArgumentException("score " + value + " is not within [" + min + ", " + max + "]");
            }
        }
    }

    record Bool(boolean value) implements ScoreValue {}

    /** One of a set of named outcomes, for example "correct", "partially correct", "wrong". */
    record Category(String value) implements ScoreValue {
        public Category {
            requireNonNull(value, "value is null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("a category is not blank");
            }
        }
    }
}
