package dev.promptline.api.evaluations.deterministic;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code json_schema}: a boolean score, true when the output is JSON that the configured JSON Schema accepts; the
 * reasoning of a failure lists the first violations. {@code passed} is the same boolean. Validation is networknt's
 * json-schema-validator; the dialect is the schema's {@code $schema} (drafts 4, 6, 7, 2019-09, 2020-12), 2020-12 when
 * it names none.
 *
 * <p>Config: {@code schema} (a JSON Schema, an object or a boolean, required). The schema is checked against its
 * dialect's meta-schema when the evaluator is configured, so a schema that is not JSON Schema is a 400 naming
 * {@code config.schema}. A {@code $ref} may point inside the schema only: nothing is loaded from the network or the
 * class path, so a schema can neither reach another host nor read the service's files.
 */
@Component
class JsonSchemaKind implements EvaluatorKind {
    private static final int VIOLATIONS_SHOWN = 5;

    /** Only the dialects' own meta-schemas, which the library carries, may be loaded. */
    private static final SchemaRegistry META_SCHEMAS = registry();

    @Override
    public String type() {
        return "json_schema";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "schema");
        JsonNode schemaNode = config.node("schema");
        if (schemaNode == null) {
            throw Config.invalid("schema", "is required");
        }
        if (!schemaNode.isObject() && !schemaNode.isBoolean()) {
            throw Config.invalid("schema", "must be a JSON Schema: an object or a boolean");
        }
        SpecificationVersion dialect = dialect(schemaNode);
        List<Error> problems = META_SCHEMAS
                .getSchema(SchemaLocation.of(dialect.getDialectId()))
                .validate(schemaNode);
        if (!problems.isEmpty()) {
            throw Config.invalid("schema", "is not a valid JSON Schema: " + describe(problems));
        }
        Schema schema;
        try {
            // A registry of its own: the library caches schemas by $id, which must not be shared between tenants.
            schema = registry(dialect).getSchema(schemaNode);
            schema.initializeValidators();
        } catch (SchemaException | IllegalArgumentException e) {
            throw Config.invalid("schema", "cannot be used: " + e.getMessage());
        }
        return subject -> {
            var json = JsonOutput.read(subject.output());
            if (json.document() == null) {
                return new Verdict.Scored(new ScoreValue.Bool(false), false, json.problem());
            }
            List<Error> violations;
            try {
                violations = schema.validate(json.document());
            } catch (SchemaException e) {
                return new Verdict.Failed("the schema could not be applied: " + e.getMessage());
            }
            return violations.isEmpty()
                    ? new Verdict.Scored(new ScoreValue.Bool(true), true, null)
                    : new Verdict.Scored(new ScoreValue.Bool(false), false, describe(violations));
        };
    }

    private static SpecificationVersion dialect(JsonNode schema) {
        JsonNode declared = schema.isObject() ? schema.get("$schema") : null;
        if (declared == null) {
            return SpecificationVersion.DRAFT_2020_12;
        }
        if (!declared.isString()) {
            throw Config.invalid("schema.$schema", "must be the URI of a JSON Schema dialect");
        }
        return SpecificationVersion.fromDialectId(declared.stringValue())
                .orElseThrow(() -> Config.invalid(
                        "schema.$schema",
                        "names no dialect this service knows; use draft 4, 6, 7, 2019-09 or 2020-12"));
    }

    private static String describe(List<Error> errors) {
        String shown =
                errors.stream().limit(VIOLATIONS_SHOWN).map(Error::toString).collect(Collectors.joining("; "));
        return errors.size() <= VIOLATIONS_SHOWN
                ? shown
                : shown + " (and %d more)".formatted(errors.size() - VIOLATIONS_SHOWN);
    }

    private static SchemaRegistry registry() {
        return registry(SpecificationVersion.DRAFT_2020_12);
    }

    private static SchemaRegistry registry(SpecificationVersion dialect) {
        return SchemaRegistry.withDefaultDialect(
                dialect,
                builder -> builder.schemaLoader(
                        loader -> loader.fetchRemoteResources(false).block(iri -> !isMetaSchema(iri.toString()))));
    }

    private static boolean isMetaSchema(String iri) {
        return iri.startsWith("https://json-schema.org/") || iri.startsWith("http://json-schema.org/");
    }
}
