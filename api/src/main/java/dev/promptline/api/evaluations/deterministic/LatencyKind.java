package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code latency}: a boolean score, true when the execution took at most {@code maxMs} milliseconds. {@code passed}
 * is the same boolean. An execution whose latency is not known (it never started) is an evaluator error.
 *
 * <p>Config: {@code maxMs} (a whole number of milliseconds, at least 1, required).
 */
@Component
class LatencyKind implements EvaluatorKind {
    @Override
    public String type() {
        return "latency";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "maxMs");
        BigDecimal max = config.requiredNumber("maxMs");
        long maxMs;
        try {
            maxMs = max.longValueExact();
        } catch (ArithmeticException e) {
            throw Config.invalid("maxMs", "must be a whole number of milliseconds");
        }
        if (maxMs < 1) {
            throw Config.invalid("maxMs", "must be at least 1");
        }
        return subject -> {
            if (subject.latency() == null) {
                return new Verdict.Failed("the execution's latency is not known");
            }
            long ms = subject.latency().toMillis();
            boolean within = ms <= maxMs;
            return new Verdict.Scored(
                    new ScoreValue.Bool(within), within, "took %d ms; the limit is %d ms".formatted(ms, maxMs));
        };
    }
}
