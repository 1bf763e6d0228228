package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code contains}: a boolean score, true when the output contains any (or all) of the configured {@code values}.
 * {@code passed} is the same boolean.
 *
 * <p>Config: {@code values} (1 to 100 non-empty texts, required), {@code mode} ({@code any}, the default, or
 * {@code all}), {@code ignoreCase} (default false).
 */
@Component
class ContainsKind implements EvaluatorKind {
    static final int MAX_VALUES = 100;

    @Override
    public String type() {
        return "contains";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "values", "mode", "ignoreCase");
        List<String> values = config.texts("values", MAX_VALUES);
        boolean all = config.choice("mode", "any", "all").equals("all");
        boolean ignoreCase = config.flag("ignoreCase", false);
        List<String> needles = ignoreCase
                ? values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList()
                : values;
        return subject -> {
            if (subject.output() == null) {
                return new Verdict.Scored(new ScoreValue.Bool(false), false, "the execution produced no output");
            }
            String output = ignoreCase ? subject.output().toLowerCase(Locale.ROOT) : subject.output();
            return all ? containsAll(output, needles, values) : containsAny(output, needles, values);
        };
    }

    private static Verdict containsAny(String output, List<String> needles, List<String> values) {
        for (int i = 0; i < needles.size(); i++) {
            if (output.contains(needles.get(i))) {
                return new Verdict.Scored(new ScoreValue.Bool(true), true, "contains " + Texts.quote(values.get(i)));
            }
        }
        return new Verdict.Scored(new ScoreValue.Bool(false), false, "contains none of " + list(values));
    }

    private static Verdict containsAll(String output, List<String> needles, List<String> values) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < needles.size(); i++) {
            if (!output.contains(needles.get(i))) {
                missing.add(values.get(i));
            }
        }
        if (missing.isEmpty()) {
            return new Verdict.Scored(new ScoreValue.Bool(true), true, null);
        }
        return new Verdict.Scored(new ScoreValue.Bool(false), false, "does not contain " + list(missing));
    }

    private static String list(List<String> values) {
        return values.stream().limit(10).map(Texts::quote).collect(Collectors.joining(", "))
                + (values.size() > 10 ? " and %d more".formatted(values.size() - 10) : "");
    }
}
