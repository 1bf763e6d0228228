package dev.promptline.api.evaluations.online;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.executions.ExecutionListener;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Online evaluation end to end on the echo model: rules sample a prompt's production executions, scores appear on
 * them after the answer, and the results aggregate per version and day.
 */
class OnlineEvaluationIT extends AuthenticatedApi {
    @Autowired
    ExecutionService executions;

    @Autowired
    MeterRegistry meters;

    String owner;
    String model;
    String prompt;
    String greets;
    String quotes;

    @BeforeEach
    void aPromptAndTwoEvaluators() {
        owner = acme.owner().bearer();
        var registry = new Registry(http, owner);
        model = registry.echoModel();
        prompt = registry.prompt(model, "Hello {{name}}");
        greets = evaluator("greets", "{\"pattern\": \"^Hello\"}");
        quotes = evaluator("quotes", "{\"pattern\": \"#\\\\d{4}\"}");
    }

    private String evaluator(String name, String config) {
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"" + name + "\", \"type\": \"regex\", \"config\": " + config + "}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private JsonNode rule(String json) {
        var created = http.postJson("/api/v1/prompts/" + prompt + "/evaluation-rules", json, owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).startsWith("/api/v1/evaluation-rules/"));
        return Http.json(created);
    }

    private String execute(String body) {
        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("id").asString();
    }

    private List<String> scoreNames(String execution) {
        var names = new ArrayList<String>();
        for (JsonNode score : Http.json(http.get("/api/v1/executions/" + execution + "/scores", owner))
                .get("items")) {
            names.add(score.get("name").asString());
        }
        return names;
    }

    private double queued() {
        return meters.get(ScoringQueue.METRIC)
                .tag("outcome", "queued")
                .counter()
                .count();
    }

    @Test
    void aSampledExecutionIsScoredAfterItsAnswerAndAZeroRateScoresNothing() {
        rule("{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\"]}");
        rule("{\"samplingRate\": 0, \"evaluatorIds\": [\"" + quotes + "\"]}");

        String execution = execute("{\"variables\": {\"name\": \"world\"}}");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !scoreNames(execution).isEmpty());
        JsonNode score = Http.json(http.get("/api/v1/executions/" + execution + "/scores", owner))
                .get("items")
                .get(0);
        assertThat(score.get("name").asString()).isEqualTo("greets");
        assertThat(score.get("value").asBoolean()).isTrue();
        assertThat(score.get("evaluator").get("id").asString()).isEqualTo(greets);
        assertThat(scoreNames(execution))
                .as("the rule at rate 0 sampled nothing")
                .containsExactly("greets");
    }

    @Test
    void aLabelsRuleScoresOnlyTheVersionTheLabelPointsAt() {
        http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + model + "\", \"template\": {\"format\": \"text\","
                        + " \"text\": \"Hello {{name}} #1234\"}}",
                owner);
        http.putJson("/api/v1/prompts/" + prompt + "/labels/production", "{\"version\": 2}", owner);
        rule("{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\"]}");
        rule("{\"samplingRate\": 1, \"label\": \"production\", \"evaluatorIds\": [\"" + quotes + "\"]}");

        String labelled = execute("{\"variables\": {\"name\": \"a\"}}");
        String older = execute("{\"version\": 1, \"variables\": {\"name\": \"b\"}}");

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        scoreNames(labelled).size() == 2 && !scoreNames(older).isEmpty());
        assertThat(scoreNames(labelled)).containsExactlyInAnyOrder("greets", "quotes");
        assertThat(scoreNames(older)).containsExactly("greets");
    }

    @Test
    void aLabelsRuleScoresEveryArmOfTheLabelsTrafficSplit() {
        http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + model + "\", \"template\": {\"format\": \"text\","
                        + " \"text\": \"Hello {{name}} #1234\"}}",
                owner);
        http.putJson("/api/v1/prompts/" + prompt + "/labels/production", "{\"version\": 2}", owner);
        var split = http.putJson(
                "/api/v1/prompts/" + prompt + "/labels/production/split",
                "{\"arms\": [{\"version\": 2, \"weight\": 1}, {\"version\": 1, \"weight\": 1}]}",
                owner);
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
        rule("{\"samplingRate\": 1, \"label\": \"production\", \"evaluatorIds\": [\"" + quotes + "\"]}");

        var byVersion = new HashMap<Integer, String>();
        for (int key = 0; byVersion.size() < 2 && key < 100; key++) {
            var response = http.postJson(
                    "/api/v1/prompts/" + prompt + "/execute",
                    "{\"variables\": {\"name\": \"a\"}, \"splitKey\": \"k" + key + "\"}",
                    owner);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode execution = Http.json(response);
            byVersion.putIfAbsent(
                    execution.get("promptVersion").asInt(), execution.get("id").asString());
        }

        assertThat(byVersion).containsOnlyKeys(1, 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> byVersion.values().stream()
                        .allMatch(execution -> scoreNames(execution).contains("quotes")));
    }

    @Test
    void executionsTheServiceStartsItselfAreNotSampled() {
        rule("{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\"]}");
        double before = queued();

        var result = executions.execute(
                ExecutionRequest.of(
                        new OrganizationId(acme.organizationId),
                        new PromptId(UUID.fromString(prompt)),
                        Map.of("name", "experiment")),
                ExecutionListener.NONE);

        assertThat(result.execution().output()).isEqualTo("Hello experiment");
        assertThat(queued()).isEqualTo(before);
        execute("{\"variables\": {\"name\": \"api\"}}");
        assertThat(queued()).isEqualTo(before + 1);
    }

    @Test
    void resultsAggregatePerDayVersionAndEvaluator() {
        rule("{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\", \"" + quotes + "\"]}");
        List<String> done = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            done.add(execute("{\"variables\": {\"name\": \"n" + i + "\"}}"));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> done.stream().allMatch(id -> scoreNames(id).size() == 2));

        JsonNode items = Http.json(http.get("/api/v1/prompts/" + prompt + "/evaluation-results", owner))
                .get("items");

        assertThat(items).hasSize(2);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode greeting = items.get(0);
        assertThat(greeting.get("day").asString()).isEqualTo(today);
        assertThat(greeting.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(greeting.get("evaluator").get("name").asString()).isEqualTo("greets");
        assertThat(greeting.get("evaluator").get("version").asInt()).isEqualTo(1);
        assertThat(greeting.get("count").asLong()).isEqualTo(3);
        assertThat(greeting.get("errors").asLong()).isZero();
        assertThat(greeting.get("mean").asDouble()).isEqualTo(1.0);
        JsonNode quoting = items.get(1);
        assertThat(quoting.get("evaluator").get("name").asString()).isEqualTo("quotes");
        assertThat(quoting.get("mean").asDouble()).isZero();
        assertThat(Http.json(http.get(
                                "/api/v1/prompts/" + prompt + "/evaluation-results?from=2026-01-01T00:00:00Z&to="
                                        + "2026-01-02T00:00:00Z",
                                owner))
                        .get("items"))
                .isEmpty();
    }

    @Test
    void rulesAreReadReplacedAndDeletedAndBadOnesNameTheirField() {
        JsonNode created = rule("{\"samplingRate\": 0.25, \"evaluatorIds\": [\"" + greets + "\"]}");
        String id = created.get("id").asString();
        String path = "/api/v1/evaluation-rules/" + id;
        assertThat(created.get("samplingRate").asDouble()).isEqualTo(0.25);
        assertThat(created.has("label")).isFalse();
        assertThat(created.get("createdBy").asString())
                .isEqualTo(acme.owner().userId().toString());

        var replaced = http.putJson(
                path, "{\"samplingRate\": 0.5, \"evaluatorIds\": [\"" + quotes + "\", \"" + greets + "\"]}", owner);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(Http.json(http.get(path, owner)).get("evaluatorIds").toString())
                .isEqualTo("[\"" + quotes + "\",\"" + greets + "\"]");
        assertThat(Http.json(http.get("/api/v1/prompts/" + prompt + "/evaluation-rules", owner))
                        .get("items"))
                .hasSize(1);

        String rules = "/api/v1/prompts/" + prompt + "/evaluation-rules";
        assertThat(pointer(rules, "{\"samplingRate\": 1.5, \"evaluatorIds\": [\"" + greets + "\"]}"))
                .isEqualTo("#/samplingRate");
        assertThat(pointer(rules, "{\"samplingRate\": 1, \"evaluatorIds\": []}"))
                .isEqualTo("#/evaluatorIds");
        assertThat(pointer(rules, "{\"samplingRate\": 1, \"evaluatorIds\": [\"" + UUID.randomUUID() + "\"]}"))
                .isEqualTo("#/evaluatorIds/0");
        assertThat(pointer(rules, "{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\", \"" + greets + "\"]}"))
                .isEqualTo("#/evaluatorIds/1");
        assertThat(pointer(rules, "{\"samplingRate\": 1, \"label\": \"nope\", \"evaluatorIds\": [\"" + greets + "\"]}"))
                .isEqualTo("#/label");

        assertThat(http.delete(path, owner).statusCode()).isEqualTo(204);
        assertProblem(http.get(path, owner), 404, "RESOURCE_NOT_FOUND", path);
    }

    @Test
    void anotherOrganizationSeesNothingAndAViewerOnlyReads() {
        String id = rule("{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\"]}")
                .get("id")
                .asString();
        String stranger = tenants.create("other").owner().bearer();
        String path = "/api/v1/evaluation-rules/" + id;
        String rules = "/api/v1/prompts/" + prompt + "/evaluation-rules";

        assertProblem(http.get(path, stranger), 404, "RESOURCE_NOT_FOUND", path);
        assertProblem(http.get(rules, stranger), 404, "RESOURCE_NOT_FOUND", rules);
        assertThat(http.delete(path, stranger).statusCode()).isEqualTo(404);
        var strangersEvaluator = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"theirs\", \"type\": \"regex\", \"config\": {\"pattern\": \"x\"}}",
                stranger);
        String theirs = Http.json(strangersEvaluator).get("id").asString();
        assertThat(pointer(rules, "{\"samplingRate\": 1, \"evaluatorIds\": [\"" + theirs + "\"]}"))
                .isEqualTo("#/evaluatorIds/0");

        String viewer = acme.member("viewer").bearer();
        assertThat(http.get(path, viewer).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/prompts/" + prompt + "/evaluation-results", viewer)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.postJson(rules, "{\"samplingRate\": 1, \"evaluatorIds\": [\"" + greets + "\"]}", viewer)
                        .statusCode())
                .isEqualTo(403);
        assertThat(http.delete(path, viewer).statusCode()).isEqualTo(403);
        String member = acme.member("member").bearer();
        assertThat(http.putJson(path, "{\"samplingRate\": 0.1, \"evaluatorIds\": [\"" + greets + "\"]}", member)
                        .statusCode())
                .isEqualTo(200);
    }

    private String pointer(String path, String body) {
        var response = http.postJson(path, body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return Http.json(response).get("errors").get(0).get("pointer").asString();
    }
}
