package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What an LLM judge may answer as its score: a number in a range, or one of named categories. */
sealed interface JudgeScale {
    /** @param threshold the lowest passing score; null when the judge's score does not pass or fail */
    record Numeric(double min, double max, @Nullable Double threshold) implements JudgeScale {
        public Numeric {
            if (!(min < max)) {
                throw new IllegalArgumentException("min must be below max");
            }
        }
    }

    /**
     * @param categories the answers allowed, in the order the evaluator lists them
     * @param passing the categories that pass; empty when the judge's category does not pass or fail
     */
    record Categories(List<String> categories, Set<String> passing) implements JudgeScale {
        public Categories {
            categories = List.copyOf(requireNonNull(categories, "categories is null"));
            passing = Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(passing, "passing is null")));
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("at least one category");
            }
        }

        /** The category a judge named, ignoring case and surrounding blanks (a judge writes "Correct" for "correct"). */
        Optional<String> find(String answer) {
            String wanted = answer.strip().toLowerCase(Locale.ROOT);
            return categories.stream()
                    .filter(category -> category.toLowerCase(Locale.ROOT).equals(wanted))
                    .findFirst();
        }
    }
}
