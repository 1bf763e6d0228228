package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Verdict;
import org.junit.jupiter.api.Test;

class LevenshteinKindTest {
    private final LevenshteinKind kind = new LevenshteinKind();

    @Test
    void similarityIsOneMinusTheDistanceOverTheLongerLength() {
        var scorer = configure(kind, "{}");

        Verdict.Scored verdict = (Verdict.Scored) scorer.score(output("kitten", "sitting"));

        var value = (ScoreValue.Numeric) verdict.value();
        assertThat(value.value()).isCloseTo(1 - 3.0 / 7, within(1e-12));
        assertThat(value.min()).isZero();
        assertThat(value.max()).isEqualTo(1);
        assertThat(verdict.passed()).as("no threshold, no pass or fail").isNull();
        assertThat(verdict.reasoning()).isEqualTo("3 edits over 7 characters");
    }

    @Test
    void edgesAreOneForEqualTextsAndZeroForNothingInCommon() {
        var scorer = configure(kind, "{}");

        assertThat(similarity(scorer.score(output("same", "same")))).isEqualTo(1);
        assertThat(similarity(scorer.score(output("", ""))))
                .as("two empty texts")
                .isEqualTo(1);
        assertThat(similarity(scorer.score(output("abc", "xyz")))).isZero();
        assertThat(similarity(scorer.score(output("", "abc")))).isZero();
        assertThat(similarity(scorer.score(output(null, "abc"))))
                .as("no output is empty text")
                .isZero();
    }

    @Test
    void aThresholdSetsPassed() {
        var scorer = configure(kind, "{\"threshold\": 0.8}");

        assertThat(((Verdict.Scored) scorer.score(output("billing", "billing"))).passed())
                .isTrue();
        assertThat(((Verdict.Scored) scorer.score(output("billin", "billing"))).passed())
                .as("6/7 = 0.857")
                .isTrue();
        assertThat(((Verdict.Scored) scorer.score(output("bill", "billing"))).passed())
                .isFalse();
        assertThat(((Verdict.Scored) configure(kind, "{\"threshold\": 1}").score(output("billin", "billing"))).passed())
                .isFalse();
    }

    @Test
    void normalisesBeforeComparing() {
        var scorer = configure(kind, "{\"ignoreCase\": true, \"collapseWhitespace\": true}");

        assertThat(similarity(scorer.score(output("  Charged   TWICE ", "charged twice"))))
                .isEqualTo(1);
    }

    @Test
    void aConfiguredExpectedIsUsedAndWithoutAnyItIsAnEvaluatorError() {
        assertThat(similarity(configure(kind, "{\"expected\": \"abc\"}").score(output("abc", null))))
                .isEqualTo(1);
        assertThat(configure(kind, "{}").score(output("abc", null))).isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void textsTooLongToCompareAreAnEvaluatorError() {
        var verdict = configure(kind, "{}").score(output("a".repeat(6_000), "b".repeat(6_000)));

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason()).startsWith("texts too long to compare");
    }

    @Test
    void longTextsAFewEditsApartAreComparedWithinABand() {
        var verdict = configure(kind, "{}").score(output("ab".repeat(3_000), "ba".repeat(3_000)));

        assertThat(similarity(verdict))
                .as("one deletion at the start, one insertion at the end")
                .isCloseTo(1 - 2.0 / 6_000, within(1e-12));
    }

    @Test
    void trimmingTheCommonPrefixAndSuffixGivesTheLibrarysDistance() {
        var library = org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
        String[][] pairs = {
            {"kitten", "sitting"},
            {"aaa", "aa"},
            {"abcabc", "abc"},
            {"", "abc"},
            {"same", "same"},
            {"I am sorry for the delay, refunded 3 to 5 days", "I'm sorry for the delay, refunded 3-5 days"},
            {"abXba", "abba"},
            {"xabcx", "xabx"}
        };
        for (String[] pair : pairs) {
            assertThat(LevenshteinKind.distance(pair[0], pair[1], Integer.MAX_VALUE))
                    .as("%s / %s", pair[0], pair[1])
                    .isEqualTo(library.apply(pair[0], pair[1]));
        }
    }

    /**
     * The rule the banded search relies on: whatever the band, the limit and the texts, it gives the library's plain
     * distance when that is within the limit, and says "beyond the limit" otherwise. Texts of a small alphabet and
     * lengths around the band widths (16, 64, 256) reach every branch: found in the first band, in a wider one, by the
     * plain distance, and beyond the limit.
     */
    @Test
    void theBandedDistanceIsTheLibrarysPlainDistanceWithinTheLimit() {
        var library = org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
        var random = new java.util.Random(19);
        for (int round = 0; round < 3_000; round++) {
            String a = randomText(random, random.nextInt(400));
            String b = random.nextBoolean() ? randomText(random, random.nextInt(400)) : mutate(random, a);
            int expected = library.apply(a, b);
            int limit = random.nextInt(4) == 0 ? Integer.MAX_VALUE : random.nextInt(Math.max(a.length(), 1) + 1);

            assertThat(LevenshteinKind.distance(a, b, limit))
                    .as("round %d, %d and %d characters, limit %d", round, a.length(), b.length(), limit)
                    .isEqualTo(expected <= limit ? expected : LevenshteinKind.BEYOND_LIMIT);
        }
    }

    @Test
    void aFloorScoresZeroBelowItAndExactlyFromIt() {
        var scorer = configure(kind, "{\"threshold\": 0.9, \"floor\": 0.9}");

        Verdict.Scored atTheFloor = (Verdict.Scored) scorer.score(output("abcdefghiX", "abcdefghij"));
        assertThat(similarity(atTheFloor))
                .as("1 edit over 10 characters is 0.9, in decimal; in binary (1 - 0.9) x 10 rounds down to 0 edits")
                .isCloseTo(0.9, within(1e-12));
        assertThat(atTheFloor.passed()).isTrue();

        Verdict.Scored below = (Verdict.Scored) scorer.score(output("abcdefghXY", "abcdefghij"));
        assertThat(similarity(below)).isZero();
        assertThat(below.passed()).isFalse();
        assertThat(below.reasoning()).isEqualTo("more than 1 edits over 10 characters: below the floor 0.9, scored 0");
    }

    @Test
    void aFloorBoundsTheWorkOnLongUnrelatedTexts() {
        var verdict = configure(kind, "{\"floor\": 0.9}").score(output("a".repeat(6_000), "b".repeat(6_000)));

        assertThat(similarity(verdict))
                .as("compared only near the diagonal, not refused")
                .isZero();
    }

    @Test
    void maxDistanceIsExactInDecimal() {
        assertThat(LevenshteinKind.maxDistance(10, new java.math.BigDecimal("0.9")))
                .isEqualTo(1);
        assertThat(LevenshteinKind.maxDistance(312, new java.math.BigDecimal("0.9")))
                .isEqualTo(31);
        assertThat(LevenshteinKind.maxDistance(0, new java.math.BigDecimal("0.5")))
                .isZero();
        assertThat(LevenshteinKind.maxDistance(7, java.math.BigDecimal.ONE)).isZero();
        assertThat(LevenshteinKind.maxDistance(7, null)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void refusesAFloorOutsideZeroToOneOrAboveTheThreshold() {
        assertThat(refused(kind, "{\"floor\": 1.5}").field()).isEqualTo("config.floor");
        assertThat(refused(kind, "{\"floor\": \"low\"}").field()).isEqualTo("config.floor");
        assertThat(refused(kind, "{\"threshold\": 0.5, \"floor\": 0.8}").field())
                .isEqualTo("config.floor");
    }

    @Test
    void refusesAThresholdOutsideZeroToOne() {
        assertThat(refused(kind, "{\"threshold\": 1.5}").field()).isEqualTo("config.threshold");
        assertThat(refused(kind, "{\"threshold\": -0.1}").field()).isEqualTo("config.threshold");
        assertThat(refused(kind, "{\"threshold\": \"high\"}").field()).isEqualTo("config.threshold");
    }

    private static String randomText(java.util.Random random, int length) {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(4)));
        }
        return text.toString();
    }

    /** The text with a few random edits, so that the distance is small and found within a band. */
    private static String mutate(java.util.Random random, String text) {
        var mutated = new StringBuilder(text);
        int edits = random.nextInt(40);
        for (int i = 0; i < edits && !mutated.isEmpty(); i++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(3)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, (char) ('a' + random.nextInt(4)));
                default -> mutated.setCharAt(at, (char) ('a' + random.nextInt(4)));
            }
        }
        return mutated.toString();
    }

    private static double similarity(Verdict verdict) {
        return ((ScoreValue.Numeric) ((Verdict.Scored) verdict).value()).value();
    }
}
