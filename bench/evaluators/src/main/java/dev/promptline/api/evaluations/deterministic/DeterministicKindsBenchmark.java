package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Subject;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Duration;
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
 * What one item costs each deterministic kind: the scorer's work on one subject, configured once beforehand as an
 * experiment does (issue 19 wants under 0.1 ms per item). The subject is a typical short answer: a support reply of
 * about 300 characters, or a JSON object of about 150, beside its expected output. Levenshtein is measured on texts
 * of 100 and of 300 characters that differ in two places, and on two unrelated texts of 300, because its cost grows
 * with the product of the lengths of what differs when nothing bounds the distance (a floor does). In this package because the
 * kinds are package-private, internal to the evaluations module.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DeterministicKindsBenchmark {
    private static final OrganizationId ORGANIZATION = new OrganizationId(UUID.randomUUID());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String REPLY = "Thank you for reaching out about your order #48213. I am sorry you were"
            + " charged twice for the same subscription this month. I have refunded the duplicate charge of $19.99 to"
            + " your card; it should appear within 3 to 5 business days. If anything else looks wrong on your next"
            + " invoice, reply to this message and we will sort it out.";
    private static final String EXPECTED_REPLY =
            REPLY.replace("I am sorry", "I'm sorry").replace("3 to 5", "3-5");
    private static final String TRIAGE = """
            {"category": "billing", "urgent": false, "summary": "charged twice for one subscription", "order": 48213}""";

    private Scorer exactMatch;
    private Scorer exactMatchNormalised;
    private Scorer containsAny;
    private Scorer containsAllIgnoringCase;
    private Scorer regex;
    private Scorer jsonValid;
    private Scorer jsonSchema;
    private Scorer levenshtein;
    private Scorer levenshteinWithFloor;
    private Scorer latency;
    private Scorer cost;

    private Subject reply;
    private Subject shortReply;
    private Subject triage;
    private Subject unrelated;

    @Setup
    public void configure() {
        exactMatch = configure(new ExactMatchKind(), "{}");
        exactMatchNormalised = configure(new ExactMatchKind(), "{\"ignoreCase\": true, \"collapseWhitespace\": true}");
        containsAny = configure(
                new ContainsKind(), "{\"values\": [\"escalate\", \"manager\", \"lawyer\", \"refunded\", \"sorry\"]}");
        containsAllIgnoringCase = configure(
                new ContainsKind(),
                "{\"values\": [\"order #48213\", \"REFUNDED\", \"business days\"], \"mode\": \"all\","
                        + " \"ignoreCase\": true}");
        regex = configure(new RegexKind(), "{\"pattern\": \"refunded .* \\\\$\\\\d+\\\\.\\\\d{2}\", \"flags\": \"i\"}");
        jsonValid = configure(new JsonValidKind(), "{}");
        jsonSchema = configure(new JsonSchemaKind(), """
                {"schema": {"type": "object", "required": ["category", "urgent", "summary"],
                            "additionalProperties": false,
                            "properties": {"category": {"enum": ["billing", "bug", "account", "other"]},
                                           "urgent": {"type": "boolean"},
                                           "summary": {"type": "string", "maxLength": 200},
                                           "order": {"type": "integer", "minimum": 1}}}}
                """);
        levenshtein = configure(new LevenshteinKind(), "{\"threshold\": 0.9}");
        levenshteinWithFloor = configure(new LevenshteinKind(), "{\"threshold\": 0.9, \"floor\": 0.5}");
        latency = configure(new LatencyKind(), "{\"maxMs\": 2000}");
        cost = configure(new CostKind(), "{\"maxUsd\": 0.01}");

        reply = new Subject(
                Map.of("ticket", "I was charged twice"),
                EXPECTED_REPLY,
                REPLY,
                Duration.ofMillis(1234),
                new BigDecimal("0.0004215"));
        shortReply = new Subject(
                Map.of("ticket", "I was charged twice"),
                EXPECTED_REPLY.substring(0, 100),
                REPLY.substring(0, 100),
                null,
                null);
        unrelated = new Subject(
                Map.of("ticket", "I was charged twice"),
                new StringBuilder(REPLY).reverse().toString(),
                REPLY,
                null,
                null);
        triage = new Subject(Map.of("ticket", "I was charged twice"), TRIAGE, TRIAGE, null, null);
    }

    @Benchmark
    public Verdict exactMatch() {
        return exactMatch.score(reply);
    }

    @Benchmark
    public Verdict exactMatchNormalised() {
        return exactMatchNormalised.score(reply);
    }

    @Benchmark
    public Verdict containsAny() {
        return containsAny.score(reply);
    }

    @Benchmark
    public Verdict containsAllIgnoringCase() {
        return containsAllIgnoringCase.score(reply);
    }

    @Benchmark
    public Verdict regex() {
        return regex.score(reply);
    }

    @Benchmark
    public Verdict jsonValid() {
        return jsonValid.score(triage);
    }

    @Benchmark
    public Verdict jsonSchema() {
        return jsonSchema.score(triage);
    }

    @Benchmark
    public Verdict levenshtein100() {
        return levenshtein.score(shortReply);
    }

    @Benchmark
    public Verdict levenshtein300() {
        return levenshtein.score(reply);
    }

    /** The worst case: nothing in common to trim, every one of the 300 x 300 pairs compared. */
    @Benchmark
    public Verdict levenshtein300Unrelated() {
        return levenshtein.score(unrelated);
    }

    /** The same worst case with a floor of 0.5: below it the similarity is scored 0 without being computed. */
    @Benchmark
    public Verdict levenshtein300UnrelatedWithFloor() {
        return levenshteinWithFloor.score(unrelated);
    }

    @Benchmark
    public Verdict latency() {
        return latency.score(reply);
    }

    @Benchmark
    public Verdict cost() {
        return cost.score(reply);
    }

    private static Scorer configure(EvaluatorKind kind, String config) {
        return kind.configure(ORGANIZATION, JSON.readTree(config));
    }
}
