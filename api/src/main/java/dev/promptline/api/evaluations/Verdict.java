package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** What a scorer concluded about one subject: a score, or why it could not give one (an evaluator error). */
public sealed interface Verdict {
    /**
     * @param passed whether the score meets the evaluator's threshold; null when the evaluator has none
     * @param reasoning why, in words (an LLM judge's explanation, the first mismatch); null when there is nothing to say
     */
    record Scored(
            ScoreValue value,
            @Nullable Boolean passed,
            @Nullable String reasoning) implements Verdict {
        public Scored {
            requireNonNull(value, "value is null");
        }
    }

    /**
     * The evaluator could not score this subject (a judge that answered garbage, a model that timed out): recorded as
     * an evaluator error, never as a score of zero.
     */
    record Failed(String reason) implements Verdict {
        public Failed {
            requireNonNull(reason, "reason is null");
        }
    }
}
