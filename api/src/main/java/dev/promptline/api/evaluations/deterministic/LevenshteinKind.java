package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code levenshtein}: a numeric score in [0, 1], the similarity of the output to the expected output (the item's, or
 * the configured {@code expected}) after normalisation: 1 - d / max(length), where d is the Levenshtein distance
 * (Apache Commons Text) in UTF-16 characters. Two empty texts are identical (1). With a {@code threshold},
 * {@code passed} says whether the similarity reaches it.
 *
 * <p>Config: {@code expected} (text), {@code threshold} (number in [0, 1]), {@code trim} (default true),
 * {@code ignoreCase}, {@code collapseWhitespace} (default false).
 *
 * <p>The distance costs time in the product of the two lengths; past {@link #MAX_CELLS} (two texts of 5,000
 * characters) the comparison is refused as an evaluator error rather than holding a thread for seconds.
 */
@Component
class LevenshteinKind implements EvaluatorKind {
    static final long MAX_CELLS = 25_000_000L;

    private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

    @Override
    public String type() {
        return "levenshtein";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "expected", "threshold", "trim", "ignoreCase", "collapseWhitespace");
        String configured = config.text("expected");
        BigDecimal threshold = config.number("threshold");
        if (threshold != null && (threshold.signum() < 0 || threshold.compareTo(BigDecimal.ONE) > 0)) {
            throw Config.invalid("threshold", "must be within [0, 1]");
        }
        var normalization = Normalization.from(config, true);
        String expectedNormalized = configured == null ? null : normalization.apply(configured);
        Double minimum = threshold == null ? null : threshold.doubleValue();
        return subject -> {
            String expected = expectedNormalized;
            if (expected == null) {
                if (subject.expectedOutput() == null) {
                    return Expected.missing();
                }
                expected = normalization.apply(subject.expectedOutput());
            }
            String output = subject.output() == null ? "" : normalization.apply(subject.output());
            return score(expected, output, minimum);
        };
    }

    private static Verdict score(String expected, String output, @Nullable Double threshold) {
        if ((long) expected.length() * output.length() > MAX_CELLS) {
            return new Verdict.Failed("texts too long to compare: %,d and %,d characters (at most %,d pairs)"
                    .formatted(expected.length(), output.length(), MAX_CELLS));
        }
        int longest = Math.max(expected.length(), output.length());
        int distance = DISTANCE.apply(expected, output);
        double similarity = longest == 0 ? 1.0 : 1.0 - (double) distance / longest;
        return new Verdict.Scored(
                new ScoreValue.Numeric(similarity, 0, 1),
                threshold == null ? null : similarity >= threshold,
                "%d edit%s over %d characters".formatted(distance, distance == 1 ? "" : "s", longest));
    }
}
