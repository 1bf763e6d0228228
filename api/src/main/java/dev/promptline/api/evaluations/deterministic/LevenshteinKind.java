package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code levenshtein}: a numeric score in [0, 1], the similarity of the output to the expected output (the item's, or
 * the configured {@code expected}) after normalisation: 1 - d / max(length), where d is the Levenshtein distance
 * (Apache Commons Text) in UTF-16 characters. Two empty texts are identical (1). With a {@code threshold},
 * {@code passed} says whether the similarity reaches it. With a {@code floor}, a similarity below it is scored 0
 * without being computed exactly: the floor bounds the distance, and so the work.
 *
 * <p>Config: {@code expected} (text), {@code threshold} (number in [0, 1]), {@code floor} (number in [0, 1], at most
 * the threshold), {@code trim} (default true), {@code ignoreCase}, {@code collapseWhitespace} (default false).
 *
 * <p>The distance is searched within a band of growing width (see {@link #distance}), so it costs time in the length
 * times the distance, not in the product of the lengths. Past {@link #MAX_CELLS} pairs of characters (two texts of
 * 5,000 characters with nothing in common) the comparison is refused as an evaluator error rather than holding a
 * thread for seconds.
 */
@Component
class LevenshteinKind implements EvaluatorKind {
    static final long MAX_CELLS = 25_000_000L;

    /** What {@link #distance} answers when the distance is above the limit it was given. */
    static final int BEYOND_LIMIT = -1;

    /** What {@link #distance} answers when finding the distance would compare more than {@link #MAX_CELLS} pairs. */
    static final int TOO_LONG = -2;

    /** The first band's half-width: two answers that differ in a few words are within it. */
    static final int FIRST_BOUND = 16;

    private static final LevenshteinDistance UNBOUNDED = LevenshteinDistance.getDefaultInstance();

    @Override
    public String type() {
        return "levenshtein";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "expected", "threshold", "floor", "trim", "ignoreCase", "collapseWhitespace");
        String configured = config.text("expected");
        BigDecimal threshold = unitInterval(config, "threshold");
        BigDecimal floor = unitInterval(config, "floor");
        if (floor != null && threshold != null && floor.compareTo(threshold) > 0) {
            throw Config.invalid("floor", "must be at most the threshold: below the floor nothing passes");
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
            return score(expected, output, minimum, floor);
        };
    }

    private static @Nullable BigDecimal unitInterval(Config config, String name) {
        BigDecimal value = config.number(name);
        if (value != null && (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0)) {
            throw Config.invalid(name, "must be within [0, 1]");
        }
        return value;
    }

    private static Verdict score(
            String expected, String output, @Nullable Double threshold, @Nullable BigDecimal floor) {
        int longest = Math.max(expected.length(), output.length());
        int limit = maxDistance(longest, floor);
        int distance = distance(expected, output, limit);
        if (distance == TOO_LONG) {
            return new Verdict.Failed("texts too long to compare: %,d and %,d characters (at most %,d pairs)"
                    .formatted(expected.length(), output.length(), MAX_CELLS));
        }
        if (distance == BEYOND_LIMIT) {
            return new Verdict.Scored(
                    new ScoreValue.Numeric(0, 0, 1),
                    threshold == null ? null : false,
                    "more than %d edits over %d characters: below the floor %s, scored 0"
                            .formatted(limit, longest, floor));
        }
        double similarity = longest == 0 ? 1.0 : 1.0 - (double) distance / longest;
        return new Verdict.Scored(
                new ScoreValue.Numeric(similarity, 0, 1),
                threshold == null ? null : similarity >= threshold,
                "%d edit%s over %d characters".formatted(distance, distance == 1 ? "" : "s", longest));
    }

    /**
     * The most edits a similarity of at least {@code floor} allows over {@code longest} characters: 1 - d / n >= f
     * holds exactly when d <= floor((1 - f) n), computed in decimal so that a floor of 0.9 over 10 characters allows 1
     * edit (in binary floating point, (1 - 0.9) x 10 is 0.99999...). No floor, no limit.
     */
    static int maxDistance(int longest, @Nullable BigDecimal floor) {
        if (floor == null) {
            return Integer.MAX_VALUE;
        }
        return BigDecimal.ONE
                .subtract(floor)
                .multiply(BigDecimal.valueOf(longest))
                .setScale(0, RoundingMode.FLOOR)
                .intValueExact();
    }

    /**
     * The Levenshtein distance if it is at most {@code limit}, else {@link #BEYOND_LIMIT}, or {@link #TOO_LONG}.
     *
     * <p>Two things keep the work near the length times the distance rather than the product of the lengths, both
     * resting on facts of the distance that {@code LevenshteinKindTest} checks against the library's plain distance:
     *
     * <ul>
     *   <li>a common prefix and suffix change no distance, so only what lies between them is compared;
     *   <li>a distance of at most k stays within k of the diagonal, so Commons Text's threshold-bounded distance
     *       ({@code new LevenshteinDistance(k)}) compares only that band, and gives up early once every cell of a row
     *       is above k. The band starts at {@link #FIRST_BOUND} and grows four-fold until the distance is found, the
     *       limit is reached, or the band would cover half the table, when the plain distance is cheaper.
     * </ul>
     */
    static int distance(String a, String b, int limit) {
        int shorterText = Math.min(a.length(), b.length());
        int prefix = 0;
        while (prefix < shorterText && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < shorterText - prefix
                && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix)) {
            suffix++;
        }
        CharSequence middleA = a.subSequence(prefix, a.length() - suffix);
        CharSequence middleB = b.subSequence(prefix, b.length() - suffix);
        int shorter = Math.min(middleA.length(), middleB.length());
        int longer = Math.max(middleA.length(), middleB.length());
        if (longer - shorter > limit) {
            return BEYOND_LIMIT; // the lengths alone need that many insertions
        }
        if (shorter == 0) {
            return longer;
        }
        long bound = Math.max(FIRST_BOUND, longer - shorter);
        while (bound < limit && bound < longer && 2 * bound + 1 < shorter / 2) {
            if (shorter * (2 * bound + 1) > MAX_CELLS) {
                return TOO_LONG;
            }
            int distance = new LevenshteinDistance((int) bound).apply(middleA, middleB);
            if (distance >= 0) {
                return distance;
            }
            bound *= 4;
        }
        if (limit >= longer) {
            if ((long) shorter * longer > MAX_CELLS) {
                return TOO_LONG;
            }
            return UNBOUNDED.apply(middleA, middleB);
        }
        if (shorter * (2L * limit + 1) > MAX_CELLS) {
            return TOO_LONG;
        }
        int distance = new LevenshteinDistance(limit).apply(middleA, middleB);
        return distance >= 0 ? distance : BEYOND_LIMIT;
    }
}
