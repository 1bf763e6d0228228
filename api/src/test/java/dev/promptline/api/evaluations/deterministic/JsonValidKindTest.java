package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonValidKindTest {
    private final JsonValidKind kind = new JsonValidKind();

    @Test
    void acceptsOneJsonDocumentOfAnyShape() {
        var scorer = configure(kind, "{}");

        assertThat(bool(scorer.score(output("{\"category\": \"billing\"}")))).isTrue();
        assertThat(bool(scorer.score(output(" [1, 2] \n")))).isTrue();
        assertThat(bool(scorer.score(output("\"text\"")))).isTrue();
        assertThat(bool(scorer.score(output("42")))).isTrue();
    }

    @Test
    void refusesAnythingElseSayingWhere() {
        var scorer = configure(kind, "{}");

        var broken = scorer.score(output("{\"category\": billing}"));
        assertThat(bool(broken)).isFalse();
        assertThat(reasoning(broken)).startsWith("not valid JSON at line 1, column ");
        assertThat(bool(scorer.score(output("{\"a\": 1} trailing")))).isFalse();
        assertThat(bool(scorer.score(output("Sure! {\"a\": 1}")))).isFalse();
        assertThat(bool(scorer.score(output("")))).isFalse();
        assertThat(bool(scorer.score(output(null)))).isFalse();
    }

    @Test
    void takesNoConfiguration() {
        assertThat(refused(kind, "{\"strict\": true}").field()).isEqualTo("config.strict");
    }
}
