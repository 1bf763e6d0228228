package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code exact_match}: a boolean score, true when the output equals the expected output (the dataset item's, or the
 * configured {@code expected}) after normalisation. {@code passed} is the same boolean.
 *
 * <p>Config: {@code expected} (text; overrides the item's), {@code trim} (default true), {@code ignoreCase} (default
 * false), {@code collapseWhitespace} (default false).
 */
@Component
class ExactMatchKind implements EvaluatorKind {
    @Override
    public String type() {
        return "exact_match";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "expected", "trim", "ignoreCase", "collapseWhitespace");
        String configured = config.text("expected");
        var normalization = Normalization.from(config, true);
        String expectedNormalized = configured == null ? null : normalization.apply(configured);
        return subject -> {
            String expected = expectedNormalized;
            if (expected == null) {
                if (subject.expectedOutput() == null) {
                    return Expected.missing();
                }
                expected = normalization.apply(subject.expectedOutput());
            }
            return compare(expected, subject.output(), normalization);
        };
    }

    private static Verdict compare(String expected, @Nullable String rawOutput, Normalization normalization) {
        if (rawOutput == null) {
            return new Verdict.Scored(new ScoreValue.Bool(false), false, "the execution produced no output");
        }
        String output = normalization.apply(rawOutput);
        if (output.equals(expected)) {
            return new Verdict.Scored(new ScoreValue.Bool(true), true, null);
        }
        int at = Texts.firstDifference(output, expected);
        return new Verdict.Scored(
                new ScoreValue.Bool(false),
                false,
                "differs from the expected %s at character %d: got %s"
                        .formatted(Texts.quote(expected), at + 1, Texts.quote(output)));
    }
}
