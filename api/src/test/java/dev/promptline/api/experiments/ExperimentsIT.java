package dev.promptline.api.experiments;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Experiments end to end through the API, on the echo model (its output is the rendered prompt) and on a fake
 * OpenAI-compatible provider for failures, rate limits and slow answers. The provider is called once per execution
 * (PROVIDER_MAX_ATTEMPTS=1), so a scripted 5xx or 429 is what the experiment sees.
 */
@TestPropertySource(
        properties = {
            "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "promptline.experiments.poll-interval=100ms",
            "promptline.experiments.rate-limit-backoff=200ms",
            "promptline.runtime.max-attempts=1"
        })
class ExperimentsIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    /** Student t, 2 degrees of freedom, 97.5th percentile (tables: 4.303). */
    private static final double T_2 = 4.302652729911275;

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    String owner;
    Registry registry;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        registry = new Registry(http, owner);
        OPENAI.reset(Reply.stream("ok"));
    }

    @Test
    void aThreeItemExperimentWithRepetitionsRunsScoresAndSummarises() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("Paris", "Paris"), item("Berlin", "Berlin"), item("Rome", "Madrid"));
        String evaluator = exactMatch();

        var created = http.postJson("/api/v1/experiments", """
                {"name": "capitals", "promptId": "%s", "datasetId": "%s", "evaluators": [{"evaluatorId": "%s"}],
                 "repetitions": 2, "concurrency": 2}""".formatted(prompt, dataset, evaluator), owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = Http.json(created).get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/experiments/" + id);
        JsonNode experiment = awaitEnded(id);
        assertThat(experiment.get("status").asString()).isEqualTo("completed");
        assertThat(experiment.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(experiment.get("datasetVersion").asInt()).isEqualTo(1);
        assertThat(experiment.get("evaluators").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(experiment.get("evaluators").get(0).get("evaluatorVersionId").asString())
                .isNotBlank();
        JsonNode runs = experiment.get("runs");
        assertThat(runs.get("total").asInt()).isEqualTo(6);
        assertThat(runs.get("succeeded").asInt()).isEqualTo(6);
        assertThat(runs.get("failed").asInt()).isZero();

        List<JsonNode> items = Http.json(http.get("/api/v1/experiments/" + id + "/runs", owner))
                .get("items")
                .valueStream()
                .toList();
        assertThat(items).extracting(run -> run.get("itemPosition").asInt()).containsExactly(1, 1, 2, 2, 3, 3);
        assertThat(items).extracting(run -> run.get("repetition").asInt()).containsExactly(1, 2, 1, 2, 1, 2);
        assertThat(items)
                .extracting(run -> run.get("output").asString())
                .containsExactly("Paris", "Paris", "Berlin", "Berlin", "Rome", "Rome");
        assertThat(items).allSatisfy(run -> {
            assertThat(run.get("status").asString()).isEqualTo("succeeded");
            assertThat(run.get("executionId").asString()).isNotBlank();
            assertThat(run.get("scores")).hasSize(1);
        });
        assertThat(items.get(4).get("scores").get(0).get("value").asBoolean()).isFalse();
        assertThat(items.get(0).get("scores").get(0).get("value").asBoolean()).isTrue();

        // Every run is an ordinary execution, recorded, linked to the experiment, run for its creator.
        var linked = jdbc.sql("SELECT count(*) FROM executions WHERE experiment_id = :id AND status = 'succeeded'")
                .param("id", UUID.fromString(id))
                .query(Integer.class)
                .single();
        assertThat(linked).isEqualTo(6);
        // The executions log shows them as the experiment's, or leaves them out of the live traffic.
        assertThat(Http.json(http.get("/api/v1/executions?experimentId=" + id, owner))
                        .get("items"))
                .hasSize(6);
        assertThat(Http.json(http.get("/api/v1/executions?origin=experiment&promptId=" + prompt, owner))
                        .get("items"))
                .hasSize(6);
        assertThat(Http.json(http.get("/api/v1/executions?origin=live&promptId=" + prompt, owner))
                        .get("items"))
                .isEmpty();
        assertThat(http.get("/api/v1/executions?origin=sideways", owner).statusCode())
                .isEqualTo(400);
        JsonNode execution = Http.json(http.get(
                "/api/v1/executions/" + items.getFirst().get("executionId").asString(), owner));
        assertThat(execution.get("status").asString()).isEqualTo("succeeded");

        // By hand: item means 1, 1, 0 (each the same over its two repetitions); n = 3 items.
        // mean 2/3; sd = sqrt(((1/3)² + (1/3)² + (2/3)²) / 2) = sqrt(1/3) = 0.57735;
        // half-width = t(0.975, 2) × sd / sqrt(3) = 4.3027 × 0.33333 = 1.43422.
        JsonNode summary = Http.json(http.get("/api/v1/experiments/" + id + "/summary", owner));
        JsonNode exact = summary.get("evaluators").get(0);
        assertThat(exact.get("count").asInt()).isEqualTo(6);
        assertThat(exact.get("items").asInt()).isEqualTo(3);
        assertThat(exact.get("errors").asInt()).isZero();
        assertThat(exact.get("mean").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(exact.get("standardDeviation").asDouble()).isCloseTo(Math.sqrt(1.0 / 3), within(1e-9));
        double half = T_2 * Math.sqrt(1.0 / 3) / Math.sqrt(3);
        assertThat(exact.get("confidenceInterval").get("low").asDouble()).isCloseTo(2.0 / 3 - half, within(1e-6));
        assertThat(exact.get("confidenceInterval").get("high").asDouble()).isCloseTo(2.0 / 3 + half, within(1e-6));
        if (!exact.get("passRate").isNull()) {
            assertThat(exact.get("passRate").asDouble()).isCloseTo(4.0 / 6, within(1e-9));
        }
        assertThat(summary.get("runsFailed").asInt()).isZero();
        assertThat(summary.get("latencyP50Ms").isNull()).isFalse();
        assertThat(summary.get("latencyP95Ms").asLong())
                .isGreaterThanOrEqualTo(summary.get("latencyP50Ms").asLong());

        // A late subscriber gets the current state, then the summary, and the stream ends.
        try (var stream = EventStream.get(http, "/api/v1/experiments/" + id + "/events", owner)) {
            var first = stream.require();
            assertThat(first.name()).isEqualTo("progress");
            assertThat(first.data().get("runs").get("succeeded").asInt()).isEqualTo(6);
            var last = stream.require();
            assertThat(last.name()).isEqualTo("summary");
            assertThat(last.data().get("evaluators").get(0).get("mean").asDouble())
                    .isCloseTo(2.0 / 3, within(1e-9));
            assertThat(stream.next()).isNull();
        }

        JsonNode list = Http.json(http.get("/api/v1/experiments", owner));
        assertThat(list.get("items").get(0).get("id").asString()).isEqualTo(id);
        assertThat(list.get("items").get(0).get("runs").get("succeeded").asInt())
                .isEqualTo(6);
    }

    @Test
    void progressStreamsRunByRunAndEndsWithTheSummary() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        String dataset = dataset(item("a", "ok"), item("b", "ok"), item("c", "ok"));
        OPENAI.enqueue(
                Reply.stream("ok").firstTokenAfter(Duration.ofMillis(300)),
                Reply.stream("ok").firstTokenAfter(Duration.ofMillis(300)),
                Reply.stream("ok").firstTokenAfter(Duration.ofMillis(300)));
        String id = start(prompt, dataset, exactMatch(), 1, 1);

        List<EventStream.Event> events = new ArrayList<>();
        try (var stream = EventStream.get(http, "/api/v1/experiments/" + id + "/events", owner)) {
            for (var event = stream.next(); event != null; event = stream.next()) {
                events.add(event);
            }
        }

        assertThat(events.getFirst().name()).isEqualTo("progress");
        assertThat(events.stream().filter(event -> event.name().equals("run")))
                .extracting(event -> event.data().get("status").asString())
                .containsExactly("succeeded", "succeeded", "succeeded");
        assertThat(events.getLast().name()).isEqualTo("summary");
        assertThat(events.getLast().data().get("evaluators").get(0).get("mean").asDouble())
                .isEqualTo(1.0);
    }

    @Test
    void cancellingStopsQueuedRunsAndRunningExecutions() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        var items = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            items.add(item("q" + i, "ok"));
        }
        String dataset = dataset(items.toArray(String[]::new));
        OPENAI.setDefault(Reply.stream("ok").firstTokenAfter(Duration.ofSeconds(20)));
        String id = start(prompt, dataset, null, 1, 2);
        await().atMost(Duration.ofSeconds(15))
                .until(() ->
                        jdbc.sql("SELECT count(*) FROM executions WHERE experiment_id = :id AND status = 'running'")
                                        .param("id", UUID.fromString(id))
                                        .query(Integer.class)
                                        .single()
                                == 2);

        var cancel = http.postJson("/api/v1/experiments/" + id + "/cancel", "{}", owner);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(Http.json(cancel).get("status").asString()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode runs =
                    Http.json(http.get("/api/v1/experiments/" + id, owner)).get("runs");
            assertThat(runs.get("cancelled").asInt()).isEqualTo(10);
            assertThat(runs.get("running").asInt()).isZero();
        });
        assertThat(jdbc.sql("SELECT status FROM executions WHERE experiment_id = :id")
                        .param("id", UUID.fromString(id))
                        .query(String.class)
                        .list())
                .containsOnly("cancelled")
                .hasSize(2);
        assertProblem(
                http.postJson("/api/v1/experiments/" + id + "/cancel", "{}", owner),
                409,
                "EXPERIMENT_FINISHED",
                "/api/v1/experiments/" + id + "/cancel");
    }

    @Test
    void failedRunsAfterProvider5xxAreRerunAloneWithTheirEvaluations() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        String dataset = dataset(item("a", "ok"), item("b", "ok"), item("c", "ok"));
        OPENAI.enqueue(Reply.stream("ok"), Reply.serverError(), Reply.stream("ok"));
        String id = start(prompt, dataset, exactMatch(), 1, 1);

        JsonNode ended = awaitEnded(id);
        assertThat(ended.get("status").asString()).isEqualTo("completed");
        assertThat(ended.get("runs").get("failed").asInt()).isEqualTo(1);
        JsonNode failed = Http.json(http.get("/api/v1/experiments/" + id + "/runs?status=failed", owner))
                .get("items")
                .get(0);
        assertThat(failed.get("itemPosition").asInt()).isEqualTo(2);
        assertThat(failed.get("error").get("code").asString()).isEqualTo("provider_unavailable");
        assertThat(failed.get("scores")).isEmpty();
        String firstOfItem1 = runOf(id, 1).get("executionId").asString();
        assertThat(Http.json(http.get("/api/v1/experiments/" + id + "/summary", owner))
                        .get("runsFailed")
                        .asInt())
                .isEqualTo(1);

        var rerun = http.postJson("/api/v1/experiments/" + id + "/rerun", "{}", owner);

        assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(202);
        JsonNode again = awaitEnded(id);
        assertThat(again.get("runs").get("succeeded").asInt()).isEqualTo(3);
        assertThat(again.get("runs").get("failed").asInt()).isZero();
        assertThat(runOf(id, 1).get("executionId").asString())
                .as("succeeded runs keep their execution")
                .isEqualTo(firstOfItem1);
        JsonNode second = runOf(id, 2);
        assertThat(second.get("status").asString()).isEqualTo("succeeded");
        assertThat(second.get("scores").get(0).get("value").asBoolean()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM executions WHERE experiment_id = :id")
                        .param("id", UUID.fromString(id))
                        .query(Integer.class)
                        .single())
                .as("three runs, and one more for the failed one")
                .isEqualTo(4);
        assertProblem(
                http.postJson("/api/v1/experiments/" + id + "/rerun", "{}", owner),
                409,
                "CONFLICT",
                "/api/v1/experiments/" + id + "/rerun");
    }

    @Test
    void aProvidersRateLimitSlowsTheExperimentWithoutFailingItsItems() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        String dataset = dataset(item("a", "ok"), item("b", "ok"), item("c", "ok"), item("d", "ok"));
        OPENAI.enqueue(
                Reply.rateLimited(Duration.ofSeconds(1)),
                Reply.rateLimited(Duration.ofSeconds(1)),
                Reply.rateLimited(Duration.ofSeconds(1)));
        int before = OPENAI.requestCount();
        String id = start(prompt, dataset, exactMatch(), 1, 2);

        JsonNode ended = awaitEnded(id);

        assertThat(ended.get("status").asString()).isEqualTo("completed");
        assertThat(ended.get("runs").get("succeeded").asInt()).isEqualTo(4);
        assertThat(OPENAI.requestCount() - before).isEqualTo(7);
        List<JsonNode> runs = Http.json(http.get("/api/v1/experiments/" + id + "/runs", owner))
                .get("items")
                .valueStream()
                .toList();
        assertThat(runs.stream().mapToInt(run -> run.get("attempts").asInt()).sum())
                .isEqualTo(7);
        assertThat(jdbc.sql("SELECT count(*) FROM executions WHERE experiment_id = :id AND error_code = 'rate_limited'")
                        .param("id", UUID.fromString(id))
                        .query(Integer.class)
                        .single())
                .as("each 429 is an execution of its own, recorded")
                .isEqualTo(3);
    }

    @Test
    void badInputIsRefusedNamingTheFieldBeforeAnythingIsWritten() {
        String model = registry.echoModel();
        String prompt = registry.prompt(model, "{{question}} in {{language}}");
        String good = dataset(
                "{\"input\": {\"question\": \"a\", \"language\": \"fr\"}}",
                "{\"input\": {\"question\": \"b\"}, \"expectedOutput\": \"x\"}");
        String path = "/api/v1/experiments";

        var missing = http.postJson(path, body(prompt, good, null), owner);
        JsonNode problem = assertProblem(missing, 400, "INVALID_REQUEST", path);
        assertThat(problem.get("errors").get(0).get("detail").asString())
                .contains("item 2")
                .contains("'language'");

        String complete = dataset("{\"input\": {\"question\": \"a\", \"language\": \"fr\"}}");
        var unknownEvaluator =
                http.postJson(path, body(prompt, complete, UUID.randomUUID().toString()), owner);
        assertThat(assertProblem(unknownEvaluator, 400, "INVALID_REQUEST", path)
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .asString())
                .isEqualTo("#/evaluators/0/evaluatorId");

        var other = tenants.create("other");
        String theirs = Http.json(http.postJson(
                        "/api/v1/datasets",
                        "{\"name\": \"theirs\", \"items\": [{\"input\": {\"question\": \"a\", \"language\": \"b\"}}]}",
                        other.owner().bearer()))
                .get("id")
                .asString();
        var foreign = http.postJson(path, body(prompt, theirs, null), owner);
        assertThat(assertProblem(foreign, 400, "INVALID_REQUEST", path)
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .asString())
                .isEqualTo("#/datasetId");

        var repetitions = http.postJson(
                path,
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"repetitions\": 0}".formatted(prompt, complete),
                owner);
        assertThat(repetitions.statusCode()).isEqualTo(400);
        assertThat(repetitions.body()).contains("repetitions");
        var concurrency = http.postJson(
                path,
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"concurrency\": 1000}".formatted(prompt, complete),
                owner);
        assertThat(concurrency.statusCode()).isEqualTo(400);
        assertThat(concurrency.body()).contains("concurrency");
        var label = http.postJson(
                path,
                "{\"promptId\": \"%s\", \"promptLabel\": \"staging\", \"datasetId\": \"%s\"}"
                        .formatted(prompt, complete),
                owner);
        assertThat(assertProblem(label, 400, "INVALID_REQUEST", path)
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .asString())
                .isEqualTo("#/promptLabel");
        var version = http.postJson(
                path,
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"datasetVersion\": 7}".formatted(prompt, complete),
                owner);
        assertThat(assertProblem(version, 400, "INVALID_REQUEST", path)
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .asString())
                .isEqualTo("#/datasetVersion");

        assertThat(jdbc.sql("SELECT count(*) FROM experiments WHERE organization_id = :acme")
                        .param("acme", acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :acme")
                        .param("acme", acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
        String unknown = "/api/v1/experiments/" + UUID.randomUUID();
        assertProblem(http.get(unknown, owner), 404, "RESOURCE_NOT_FOUND", unknown);
    }

    @Test
    void aLabelIsResolvedOnceAndBothAreKept() {
        String model = registry.echoModel();
        String prompt = registry.prompt(model, "{{answer}}");
        var label = http.putJson("/api/v1/prompts/" + prompt + "/labels/production", "{\"version\": 1}", owner);
        assertThat(label.statusCode()).as(label.body()).isIn(200, 201);
        String dataset = dataset(item("a", "a"));

        var created = http.postJson(
                "/api/v1/experiments",
                "{\"promptId\": \"%s\", \"promptLabel\": \"production\", \"datasetId\": \"%s\"}"
                        .formatted(prompt, dataset),
                owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode experiment = Http.json(created);
        assertThat(experiment.get("promptLabel").asString()).isEqualTo("production");
        assertThat(experiment.get("promptVersion").asInt()).isEqualTo(1);
        awaitEnded(experiment.get("id").asString());
    }

    @Test
    void anExperimentPinnedToAnOlderDatasetVersionRunsItsItemsAfterEditsDeletesAndAReplaceUpload() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("a", "a"), item("b", "b"), item("c", "c"));
        List<JsonNode> items = Http.json(http.get("/api/v1/datasets/" + dataset + "/versions/1/items", owner))
                .get("items")
                .valueStream()
                .toList();
        var edited = http.putJson(
                "/api/v1/datasets/%s/items/%s?baseVersion=1"
                        .formatted(dataset, items.get(1).get("id").asString()),
                item("B", "B"),
                owner);
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        var deleted = http.delete(
                "/api/v1/datasets/%s/items/%s?baseVersion=2"
                        .formatted(dataset, items.get(2).get("id").asString()),
                owner);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        var replaced =
                http.send(http.request("/api/v1/datasets/" + dataset + "/items/upload?baseVersion=3&replace=true")
                        .header("Authorization", owner)
                        .header("Content-Type", "application/x-ndjson")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(item("z", "z")))
                        .build());
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(201);

        assertThat(outputs(startOn(prompt, dataset, 1))).containsExactly("a", "b", "c");
        assertThat(outputs(startOn(prompt, dataset, 2))).containsExactly("a", "B", "c");
        assertThat(outputs(startOn(prompt, dataset, 3))).containsExactly("a", "B");
        assertThat(outputs(startOn(prompt, dataset, 4))).containsExactly("z");
    }

    private String startOn(String prompt, String dataset, int datasetVersion) {
        var created = http.postJson(
                "/api/v1/experiments",
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"datasetVersion\": %d}"
                        .formatted(prompt, dataset, datasetVersion),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = Http.json(created).get("id").asString();
        assertThat(awaitEnded(id).get("status").asString()).isEqualTo("completed");
        return id;
    }

    private List<String> outputs(String experiment) {
        return Http.json(http.get("/api/v1/experiments/" + experiment + "/runs", owner))
                .get("items")
                .valueStream()
                .map(run -> run.get("output").asString())
                .toList();
    }

    @Test
    void viewersReadButOnlyMembersStartCancelOrRerun() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("a", "a"));
        String viewer = acme.member("viewer").bearer();
        String member = acme.member("member").bearer();
        String body = "{\"promptId\": \"%s\", \"datasetId\": \"%s\"}".formatted(prompt, dataset);

        assertProblem(http.postJson("/api/v1/experiments", body, viewer), 403, "FORBIDDEN", "/api/v1/experiments");
        var created = http.postJson("/api/v1/experiments", body, member);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = Http.json(created).get("id").asString();
        awaitEnded(id);

        assertThat(http.get("/api/v1/experiments/" + id, viewer).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/experiments/" + id + "/summary", viewer).statusCode())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/experiments/" + id + "/runs", viewer).statusCode())
                .isEqualTo(200);
        assertProblem(
                http.postJson("/api/v1/experiments/" + id + "/rerun", "{}", viewer),
                403,
                "FORBIDDEN",
                "/api/v1/experiments/" + id + "/rerun");
        assertProblem(
                http.postJson("/api/v1/experiments/" + id + "/cancel", "{}", viewer),
                403,
                "FORBIDDEN",
                "/api/v1/experiments/" + id + "/cancel");
        var other = tenants.create("other").owner().bearer();
        assertProblem(
                http.get("/api/v1/experiments/" + id, other), 404, "RESOURCE_NOT_FOUND", "/api/v1/experiments/" + id);
    }

    @Test
    void aComparisonShowsTheRegressedItemAndWhetherTheDifferenceIsSignificant() {
        String dataset = dataset(item("a", "a"), item("b", "b"), item("c", "c"));
        String evaluator = exactMatch();
        String baseline = start(registry.prompt(registry.echoModel(), "{{answer}}"), dataset, evaluator, 1, 1);
        awaitEnded(baseline);
        OPENAI.enqueue(Reply.stream("a"), Reply.stream("wrong"), Reply.stream("c"));
        String candidate =
                start(registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}"), dataset, evaluator, 1, 1);
        awaitEnded(candidate);

        JsonNode comparison = Http.json(http.get("/api/v1/experiments/" + baseline + "/compare/" + candidate, owner));

        JsonNode exact = comparison.get("evaluators").get(0);
        assertThat(exact.get("pairedItems").asInt()).isEqualTo(3);
        assertThat(exact.get("regressions").asInt()).isEqualTo(1);
        assertThat(exact.get("improvements").asInt()).isZero();
        assertThat(exact.get("unchanged").asInt()).isEqualTo(2);
        assertThat(exact.get("items"))
                .extracting(item -> item.get("change").asString())
                .containsExactly("unchanged", "regressed", "unchanged");
        assertThat(exact.get("items").get(1).get("itemPosition").asInt()).isEqualTo(2);
        assertThat(exact.get("meanDifference").asDouble()).isCloseTo(-1.0 / 3, within(1e-9));
        // Differences 0, −1, 0: t = −(1/3) / (sqrt(1/3) / sqrt(3)) = −1 with 2 degrees of freedom, p = 0.4226.
        assertThat(exact.get("pValue").asDouble()).isCloseTo(0.42265, within(1e-4));
        assertThat(exact.get("significant").asBoolean()).isFalse();

        // Every item wrong: a consistent regression is significant.
        String worse = start(registry.prompt(registry.echoModel(), "{{answer}}!"), dataset, evaluator, 1, 1);
        awaitEnded(worse);
        JsonNode clear = Http.json(http.get("/api/v1/experiments/" + baseline + "/compare/" + worse, owner))
                .get("evaluators")
                .get(0);
        assertThat(clear.get("regressions").asInt()).isEqualTo(3);
        assertThat(clear.get("significant").asBoolean()).isTrue();

        var added = http.postJson(
                "/api/v1/datasets/" + dataset + "/items",
                "{\"baseVersion\": 1, \"items\": [%s]}".formatted(item("d", "d")),
                owner);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        String onVersion2 = start(registry.prompt(registry.echoModel(), "{{answer}}"), dataset, evaluator, 1, 1);
        assertProblem(
                http.get("/api/v1/experiments/" + baseline + "/compare/" + onVersion2, owner),
                400,
                "INVALID_PARAMETER",
                "/api/v1/experiments/" + baseline + "/compare/" + onVersion2);
        awaitEnded(onVersion2);
    }

    private JsonNode runOf(String id, int position) {
        return Http.json(http.get("/api/v1/experiments/" + id + "/runs", owner))
                .get("items")
                .valueStream()
                .filter(run -> run.get("itemPosition").asInt() == position)
                .findFirst()
                .orElseThrow();
    }

    private String start(String prompt, String dataset, String evaluator, int repetitions, int concurrency) {
        var created = http.postJson(
                "/api/v1/experiments",
                """
                {"promptId": "%s", "datasetId": "%s", "evaluators": [%s], "repetitions": %d, "concurrency": %d}""".formatted(
                                prompt,
                                dataset,
                                evaluator == null ? "" : "{\"evaluatorId\": \"" + evaluator + "\"}",
                                repetitions,
                                concurrency),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return Http.json(created).get("id").asString();
    }

    private static String body(String prompt, String dataset, String evaluator) {
        return "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"evaluators\": [%s]}"
                .formatted(prompt, dataset, evaluator == null ? "" : "{\"evaluatorId\": \"" + evaluator + "\"}");
    }

    private JsonNode awaitEnded(String id) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String status = Http.json(http.get("/api/v1/experiments/" + id, owner))
                            .get("status")
                            .asString();
                    return !status.equals("queued") && !status.equals("running");
                });
        return Http.json(http.get("/api/v1/experiments/" + id, owner));
    }

    private static String item(String answer, String expected) {
        return "{\"input\": {\"answer\": \"%s\"}, \"expectedOutput\": \"%s\"}".formatted(answer, expected);
    }

    private String dataset(String... items) {
        var created = http.postJson(
                "/api/v1/datasets",
                "{\"name\": \"d-%s\", \"items\": [%s]}".formatted(UUID.randomUUID(), String.join(", ", items)),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private String exactMatch() {
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"exact-%s\", \"type\": \"exact_match\", \"config\": {}}".formatted(UUID.randomUUID()),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }
}
