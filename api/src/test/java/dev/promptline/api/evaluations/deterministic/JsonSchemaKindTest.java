package dev.promptline.api.evaluations.deterministic;

import static dev.promptline.api.evaluations.deterministic.Subjects.bool;
import static dev.promptline.api.evaluations.deterministic.Subjects.configure;
import static dev.promptline.api.evaluations.deterministic.Subjects.output;
import static dev.promptline.api.evaluations.deterministic.Subjects.reasoning;
import static dev.promptline.api.evaluations.deterministic.Subjects.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonSchemaKindTest {
    private static final String TRIAGE = """
            {"schema": {"type": "object", "required": ["category"], "additionalProperties": false,
                        "properties": {"category": {"enum": ["billing", "bug"]}, "urgent": {"type": "boolean"}}}}
            """;

    private final JsonSchemaKind kind = new JsonSchemaKind();

    @Test
    void acceptsOutputTheSchemaAccepts() {
        var scorer = configure(kind, TRIAGE);

        assertThat(bool(scorer.score(output("{\"category\": \"bug\", \"urgent\": true}"))))
                .isTrue();
    }

    @Test
    void refusesOutputThatBreaksTheSchemaListingTheViolations() {
        var scorer = configure(kind, TRIAGE);

        var verdict = scorer.score(output("{\"category\": \"refund\", \"urgent\": \"yes\"}"));

        assertThat(bool(verdict)).isFalse();
        assertThat(reasoning(verdict)).contains("/category").contains("/urgent");
        assertThat(reasoning(scorer.score(output("{}")))).contains("category");
    }

    @Test
    void outputThatIsNotJsonFailsTheSchema() {
        var verdict = configure(kind, TRIAGE).score(output("category: bug"));

        assertThat(bool(verdict)).isFalse();
        assertThat(reasoning(verdict)).startsWith("not valid JSON");
    }

    @Test
    void theSchemasDialectIsHonoured() {
        var draft7 = configure(
                kind,
                "{\"schema\": {\"$schema\": \"http://json-schema.org/draft-07/schema#\","
                        + " \"items\": [{\"type\": \"string\"}], \"additionalItems\": false}}");

        assertThat(bool(draft7.score(output("[\"a\"]")))).isTrue();
        assertThat(bool(draft7.score(output("[\"a\", 1]")))).isFalse();
    }

    @Test
    void aSchemaThatIsNotJsonSchemaIsRefusedWhenConfigured() {
        var wrongType = refused(kind, "{\"schema\": {\"type\": \"text\"}}");
        assertThat(wrongType.field()).isEqualTo("config.schema");
        assertThat(wrongType.getMessage()).startsWith("is not a valid JSON Schema");

        assertThat(refused(kind, "{\"schema\": {\"required\": \"category\"}}").field())
                .isEqualTo("config.schema");
        assertThat(refused(kind, "{\"schema\": {\"minLength\": -1}}").field()).isEqualTo("config.schema");
        assertThat(refused(kind, "{\"schema\": \"object\"}").field()).isEqualTo("config.schema");
        assertThat(refused(kind, "{}").field()).isEqualTo("config.schema");
        assertThat(refused(kind, "{\"schema\": {\"$schema\": \"https://example.com/mine\"}}")
                        .field())
                .isEqualTo("config.schema.$schema");
    }

    @Test
    void referencesOutsideTheSchemaAreRefusedNeverLoaded() {
        for (String reference : new String[] {
            "{\"$ref\": \"http://127.0.0.1:9/secret.json\"}",
            "{\"$ref\": \"classpath:application.yaml\"}",
            "{\"$id\": \"https://example.test/a\", \"$ref\": \"b.json\"}"
        }) {
            var refusal = refused(kind, "{\"schema\": " + reference + "}");
            assertThat(refusal.field()).as(reference).isEqualTo("config.schema");
            assertThat(refusal.getMessage()).as(reference).contains("is not allowed to be loaded");
        }
    }

    @Test
    void referencesInsideTheSchemaWork() {
        var scorer = configure(
                kind,
                "{\"schema\": {\"$defs\": {\"c\": {\"enum\": [\"bug\"]}},"
                        + " \"properties\": {\"category\": {\"$ref\": \"#/$defs/c\"}}}}");

        assertThat(bool(scorer.score(output("{\"category\": \"bug\"}")))).isTrue();
        assertThat(reasoning(scorer.score(output("{\"category\": \"x\"}"))))
                .isEqualTo("/category: does not have a value in the enumeration [\"bug\"]");
    }

    @Test
    void booleanSchemasWork() {
        assertThat(bool(configure(kind, "{\"schema\": true}").score(output("{}"))))
                .isTrue();
        assertThat(bool(configure(kind, "{\"schema\": false}").score(output("{}"))))
                .isFalse();
    }
}
