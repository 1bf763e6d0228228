package dev.promptline.api.evaluations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * What scoring one item with a {@code json_schema} evaluator costs when its version is configured for every item (as
 * online evaluation and the dry run did) and when the configured scorer is taken from {@link ConfiguredScorers}, as
 * {@link EvaluatorService#configured} now does. The kind is package-private in another package (internal to the
 * module), so it is built by reflection, once, in the set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConfiguredScorersBenchmark {
    private static final OrganizationId ORGANIZATION = new OrganizationId(UUID.randomUUID());
    private static final String TRIAGE = """
            {"category": "billing", "urgent": false, "summary": "charged twice for one subscription", "order": 48213}""";

    private EvaluatorKind jsonSchema;
    private EvaluatorVersion version;
    private ConfiguredScorers scorers;
    private Subject triage;

    @Setup
    public void configure() throws ReflectiveOperationException {
        var constructor = Class.forName("dev.promptline.api.evaluations.deterministic.JsonSchemaKind")
                .getDeclaredConstructor();
        constructor.setAccessible(true);
        jsonSchema = (EvaluatorKind) constructor.newInstance();
        version = new EvaluatorVersion(
                UUID.randomUUID(),
                new EvaluatorId(UUID.randomUUID()),
                1,
                "json_schema",
                JsonMapper.builder().build().readTree("""
                        {"schema": {"type": "object", "required": ["category", "urgent", "summary"],
                                    "additionalProperties": false,
                                    "properties": {"category": {"enum": ["billing", "bug", "account", "other"]},
                                                   "urgent": {"type": "boolean"},
                                                   "summary": {"type": "string", "maxLength": 200},
                                                   "order": {"type": "integer", "minimum": 1}}}}
                        """),
                null,
                Instant.now());
        scorers = new ConfiguredScorers(ConfiguredScorers.MAX_ENTRIES);
        triage = new Subject(Map.of("ticket", "I was charged twice"), TRIAGE, TRIAGE, null, null);
    }

    @Benchmark
    public Verdict configuredForEachItem() {
        return jsonSchema.configure(ORGANIZATION, version.config()).score(triage);
    }

    @Benchmark
    public Verdict configuredOncePerVersion() {
        return scorers.scorer(jsonSchema, ORGANIZATION, version).score(triage);
    }
}
