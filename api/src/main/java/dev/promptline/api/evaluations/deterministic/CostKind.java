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
 * {@code cost}: a boolean score, true when the execution cost at most {@code maxUsd} US dollars. {@code passed} is the
 * same boolean. An execution that was not priced (its model has no prices) is an evaluator error.
 *
 * <p>Config: {@code maxUsd} (a number of dollars, not negative, required).
 */
@Component
class CostKind implements EvaluatorKind {
    @Override
    public String type() {
        return "cost";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "maxUsd");
        BigDecimal maxUsd = config.requiredNumber("maxUsd");
        if (maxUsd.signum() < 0) {
            throw Config.invalid("maxUsd", "must not be negative");
        }
        return subject -> {
            if (subject.costUsd() == null) {
                return new Verdict.Failed("the execution was not priced: its model has no prices");
            }
            boolean within = subject.costUsd().compareTo(maxUsd) <= 0;
            return new Verdict.Scored(
                    new ScoreValue.Bool(within),
                    within,
                    "cost $%s; the limit is $%s"
                            .formatted(
                                    subject.costUsd().stripTrailingZeros().toPlainString(),
                                    maxUsd.stripTrailingZeros().toPlainString()));
        };
    }
}
