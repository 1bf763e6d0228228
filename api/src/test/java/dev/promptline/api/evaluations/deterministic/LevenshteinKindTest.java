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
    void refusesAThresholdOutsideZeroToOne() {
        assertThat(refused(kind, "{\"threshold\": 1.5}").field()).isEqualTo("config.threshold");
        assertThat(refused(kind, "{\"threshold\": -0.1}").field()).isEqualTo("config.threshold");
        assertThat(refused(kind, "{\"threshold\": \"high\"}").field()).isEqualTo("config.threshold");
    }

    private static double similarity(Verdict verdict) {
        return ((ScoreValue.Numeric) ((Verdict.Scored) verdict).value()).value();
    }
}
