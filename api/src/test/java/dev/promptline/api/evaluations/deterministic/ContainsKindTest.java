package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainsKindTest {
    private final ContainsKind kind = new ContainsKind();

    @Test
    void anyValueIsEnoughByDefault() {
        var scorer = configure(kind, "{\"values\": [\"refund\", \"billing\"]}");

        var verdict = scorer.score(output("This is a billing question"));
        assertThat(bool(verdict)).isTrue();
        assertThat(reasoning(verdict)).isEqualTo("contains 'billing'");
        assertThat(bool(scorer.score(output("A bug")))).isFalse();
        assertThat(reasoning(scorer.score(output("A bug")))).isEqualTo("contains none of 'refund', 'billing'");
    }

    @Test
    void allNeedsEveryValueAndNamesTheMissingOnes() {
        var scorer = configure(kind, "{\"values\": [\"order\", \"refund\", \"sorry\"], \"mode\": \"all\"}");

        assertThat(bool(scorer.score(output("sorry: your order's refund is on its way"))))
                .isTrue();
        var verdict = scorer.score(output("your order"));
        assertThat(bool(verdict)).isFalse();
        assertThat(reasoning(verdict)).isEqualTo("does not contain 'refund', 'sorry'");
    }

    @Test
    void caseMattersUnlessIgnored() {
        assertThat(bool(configure(kind, "{\"values\": [\"Refund\"]}").score(output("refund"))))
                .isFalse();
        assertThat(bool(configure(kind, "{\"values\": [\"Refund\"], \"ignoreCase\": true}")
                        .score(output("REFUND"))))
                .isTrue();
    }

    @Test
    void noOutputContainsNothing() {
        assertThat(bool(configure(kind, "{\"values\": [\"a\"]}").score(output(null))))
                .isFalse();
    }

    @Test
    void refusesBadConfigurationNamingTheField() {
        assertThat(refused(kind, "{}").field()).isEqualTo("config.values");
        assertThat(refused(kind, "{\"values\": []}").field()).isEqualTo("config.values");
        assertThat(refused(kind, "{\"values\": [\"a\", \"\"]}").field()).isEqualTo("config.values.1");
        assertThat(refused(kind, "{\"values\": [\"a\", 2]}").field()).isEqualTo("config.values.1");
        assertThat(refused(kind, "{\"values\": [\"a\"], \"mode\": \"some\"}").field())
                .isEqualTo("config.mode");
        assertThat(refused(kind, "{\"values\": [\"a\"], \"mode\": \"some\"}").getMessage())
                .isEqualTo("must be one of any, all");
    }
}
