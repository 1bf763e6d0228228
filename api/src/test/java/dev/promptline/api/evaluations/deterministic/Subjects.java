package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.InvalidEvaluatorConfigException;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Subject;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Builders for the kinds' tests: a configuration from JSON text, and subjects by what they hold. */
final class Subjects {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final OrganizationId ORGANIZATION = new OrganizationId(UUID.randomUUID());

    static Scorer configure(EvaluatorKind kind, String config) {
        return kind.configure(ORGANIZATION, json(config));
    }

    static InvalidEvaluatorConfigException refused(EvaluatorKind kind, String config) {
        return Assertions.catchThrowableOfType(
                InvalidEvaluatorConfigException.class, () -> kind.configure(ORGANIZATION, json(config)));
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static Subject output(@Nullable String output) {
        return new Subject(Map.of(), null, output, null, null);
    }

    static Subject output(@Nullable String output, @Nullable String expected) {
        return new Subject(Map.of(), expected, output, null, null);
    }

    static Subject timed(@Nullable Duration latency, @Nullable BigDecimal costUsd) {
        return new Subject(Map.of(), null, "ok", latency, costUsd);
    }

    /** The boolean a scored verdict holds; fails on anything else. */
    static boolean bool(Verdict verdict) {
        Assertions.assertThat(verdict).isInstanceOf(Verdict.Scored.class);
        var scored = (Verdict.Scored) verdict;
        Assertions.assertThat(scored.value()).isInstanceOf(ScoreValue.Bool.class);
        boolean value = ((ScoreValue.Bool) scored.value()).value();
        Assertions.assertThat(scored.passed()).as("passed is the boolean").isEqualTo(value);
        return value;
    }

    static @Nullable String reasoning(Verdict verdict) {
        return ((Verdict.Scored) verdict).reasoning();
    }

    private Subjects() {}
}
