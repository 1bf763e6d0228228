package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static dev.promptline.api.evaluations.deterministic.Subjects.timed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.evaluations.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyKindTest {
    private final LatencyKind kind = new LatencyKind();

    @Test
    void passesAtOrBelowTheLimit() {
        var scorer = configure(kind, "{\"maxMs\": 1000}");

        assertThat(bool(scorer.score(timed(Duration.ofMillis(999), null)))).isTrue();
        assertThat(bool(scorer.score(timed(Duration.ofMillis(1000), null)))).isTrue();
        var slow = scorer.score(timed(Duration.ofMillis(1001), null));
        assertThat(bool(slow)).isFalse();
        assertThat(reasoning(slow)).isEqualTo("took 1001 ms; the limit is 1000 ms");
    }

    @Test
    void anUnknownLatencyIsAnEvaluatorError() {
        assertThat(configure(kind, "{\"maxMs\": 1000}").score(timed(null, null)))
                .isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void refusesALimitThatIsNotAPositiveWholeNumber() {
        assertThat(refused(kind, "{}").field()).isEqualTo("config.maxMs");
        assertThat(refused(kind, "{\"maxMs\": 0}").field()).isEqualTo("config.maxMs");
        assertThat(refused(kind, "{\"maxMs\": 1.5}").field()).isEqualTo("config.maxMs");
        assertThat(refused(kind, "{\"maxMs\": \"1s\"}").field()).isEqualTo("config.maxMs");
    }
}
