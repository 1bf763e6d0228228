package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static dev.promptline.api.evaluations.deterministic.Subjects.timed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.evaluations.Verdict;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostKindTest {
    private final CostKind kind = new CostKind();

    @Test
    void passesAtOrBelowTheLimitComparedExactly() {
        var scorer = configure(kind, "{\"maxUsd\": 0.002}");

        assertThat(bool(scorer.score(timed(null, new BigDecimal("0.0020000"))))).isTrue();
        var dear = scorer.score(timed(null, new BigDecimal("0.0020001")));
        assertThat(bool(dear)).isFalse();
        assertThat(reasoning(dear)).isEqualTo("cost $0.0020001; the limit is $0.002");
    }

    @Test
    void anUnpricedExecutionIsAnEvaluatorError() {
        assertThat(configure(kind, "{\"maxUsd\": 1}").score(timed(null, null))).isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void refusesANegativeOrMissingLimit() {
        assertThat(refused(kind, "{}").field()).isEqualTo("config.maxUsd");
        assertThat(refused(kind, "{\"maxUsd\": -1}").field()).isEqualTo("config.maxUsd");
    }
}
