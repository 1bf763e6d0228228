package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code json_valid}: a boolean score, true when the whole output is one JSON document (nothing before or after it).
 * {@code passed} is the same boolean; the reasoning of a failure says where the JSON breaks. No configuration.
 */
@Component
class JsonValidKind implements EvaluatorKind {
    @Override
    public String type() {
        return "json_valid";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        Config.of(node);
        return subject -> {
            var json = JsonOutput.read(subject.output());
            return json.document() != null
                    ? new Verdict.Scored(new ScoreValue.Bool(true), true, null)
                    : new Verdict.Scored(new ScoreValue.Bool(false), false, json.problem());
        };
    }
}
