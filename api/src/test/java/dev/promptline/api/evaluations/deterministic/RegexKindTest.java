package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.evaluations.Verdict;
import org.junit.jupiter.api.Test;

class RegexKindTest {
    private final RegexKind kind = new RegexKind();

    @Test
    void findsThePatternAnywhereByDefault() {
        var scorer = configure(kind, "{\"pattern\": \"order #\\\\d{4}\"}");

        var verdict = scorer.score(output("Your order #1234 ships today"));
        assertThat(bool(verdict)).isTrue();
        assertThat(reasoning(verdict)).isEqualTo("matches 'order #1234'");
        assertThat(bool(scorer.score(output("Your order ships today")))).isFalse();
    }

    @Test
    void fullMatchesTheWholeOutput() {
        var scorer = configure(kind, "{\"pattern\": \"billing|bug\", \"match\": \"full\"}");

        assertThat(bool(scorer.score(output("bug")))).isTrue();
        assertThat(bool(scorer.score(output("a bug")))).isFalse();
    }

    @Test
    void flagsChangeHowItMatches() {
        assertThat(bool(configure(kind, "{\"pattern\": \"^yes$\"}").score(output("YES"))))
                .isFalse();
        assertThat(bool(configure(kind, "{\"pattern\": \"^yes$\", \"flags\": \"i\"}")
                        .score(output("YES"))))
                .isTrue();
        assertThat(bool(configure(kind, "{\"pattern\": \"^yes$\", \"flags\": \"im\"}")
                        .score(output("well\nYes"))))
                .isTrue();
        assertThat(bool(configure(kind, "{\"pattern\": \"a.b\", \"flags\": \"s\"}")
                        .score(output("a\nb"))))
                .isTrue();
    }

    @Test
    void aPatternThatDoesNotCompileIsRefusedWhenConfigured() {
        var refusal = refused(kind, "{\"pattern\": \"order (\\\\d+\"}");

        assertThat(refusal.field()).isEqualTo("config.pattern");
        assertThat(refusal.getMessage()).startsWith("does not compile: Unclosed group near index");
    }

    @Test
    void refusesOtherBadConfigurationNamingTheField() {
        assertThat(refused(kind, "{}").field()).isEqualTo("config.pattern");
        assertThat(refused(kind, "{\"pattern\": \"\"}").field()).isEqualTo("config.pattern");
        assertThat(refused(kind, "{\"pattern\": \"a\", \"flags\": \"g\"}").field())
                .isEqualTo("config.flags");
        assertThat(refused(kind, "{\"pattern\": \"a\", \"match\": \"partial\"}").field())
                .isEqualTo("config.match");
    }

    @Test
    void catastrophicBacktrackingIsStoppedAsAnEvaluatorError() {
        // Polynomial of degree 12 in java.util.regex, which memoizes the classic (a+)+$ away.
        var scorer = configure(kind, "{\"pattern\": \"(.*a){12}$\"}");

        var verdict = scorer.score(output("a".repeat(40) + "!"));

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason()).contains("took longer than 1000 ms");
    }
}
