package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.evaluations.Verdict;
import org.junit.jupiter.api.Test;

class ExactMatchKindTest {
    private final ExactMatchKind kind = new ExactMatchKind();

    @Test
    void matchesTheItemsExpectedOutputTrimmedByDefault() {
        var scorer = configure(kind, "{}");

        assertThat(bool(scorer.score(output("billing\n", "billing")))).isTrue();
        assertThat(bool(scorer.score(output("Billing", "billing")))).isFalse();
        assertThat(reasoning(scorer.score(output("bug", "billing"))))
                .isEqualTo("differs from the expected 'billing' at character 2: got 'bug'");
    }

    @Test
    void normalisesAsConfigured() {
        var exact = configure(kind, "{\"trim\": false}");
        assertThat(bool(exact.score(output(" billing", "billing")))).isFalse();

        var loose = configure(kind, "{\"ignoreCase\": true, \"collapseWhitespace\": true}");
        assertThat(bool(loose.score(output("  Charged \t TWICE\n", "charged twice"))))
                .isTrue();
        assertThat(bool(loose.score(output("charged  thrice", "charged twice"))))
                .isFalse();
    }

    @Test
    void aConfiguredExpectedOverridesTheItems() {
        var scorer = configure(kind, "{\"expected\": \"OK\"}");

        assertThat(bool(scorer.score(output("OK", "something else")))).isTrue();
        assertThat(bool(scorer.score(output("OK", null)))).isTrue();
    }

    @Test
    void withNothingToCompareWithItIsAnEvaluatorErrorNotAScore() {
        var verdict = configure(kind, "{}").score(output("billing", null));

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason()).contains("no expected output");
    }

    @Test
    void noOutputDoesNotMatch() {
        var verdict = configure(kind, "{}").score(output(null, "billing"));

        assertThat(bool(verdict)).isFalse();
        assertThat(reasoning(verdict)).isEqualTo("the execution produced no output");
    }

    @Test
    void refusesBadConfigurationNamingTheField() {
        assertThat(refused(kind, "{\"ignorecase\": true}").field()).isEqualTo("config.ignorecase");
        assertThat(refused(kind, "{\"trim\": \"yes\"}").field()).isEqualTo("config.trim");
        assertThat(refused(kind, "{\"expected\": 3}").field()).isEqualTo("config.expected");
    }
}
