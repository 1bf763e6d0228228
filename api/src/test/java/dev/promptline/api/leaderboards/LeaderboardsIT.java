package dev.promptline.api.leaderboards;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TestRedis;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Benchmarks, their leaderboards (PostgreSQL's entries served from a Redis copy) and label policies, end to end: real
 * experiments on the echo model (its output is the rendered prompt), scored by exact match, so each prompt version's
 * mean is known in advance: "{{answer}}" scores 1 on every item, "{{answer}}!" scores 0.
 */
@TestPropertySource(properties = "promptline.experiments.poll-interval=100ms")
class LeaderboardsIT extends AuthenticatedApi {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @Autowired
    StringRedisTemplate redis;

    String owner;
    Registry registry;
    String echo;
    String prompt;
    String dataset;
    String exact;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        registry = new Registry(http, owner);
        echo = registry.echoModel();
        prompt = registry.prompt(echo, "{{answer}}"); // version 1: right
        addVersion(1, "{{answer}}!"); // version 2: wrong on every item
        addVersion(2, "{{answer}}"); // version 3: right again
        dataset = dataset(item("Paris"), item("Berlin"), item("Rome"));
        exact = evaluator("exact_match");
    }

    @Test
    void theLeaderboardRanksEveryPromptVersionThatRanOnTheBenchmarkBestFirst() {
        String before = awaitCompleted(experiment(2)); // ran before the benchmark existed
        String benchmark = benchmark(exact);
        String after = awaitCompleted(experiment(1));

        JsonNode board = leaderboard(benchmark);
        assertThat(board.get("rankedBy").asString()).isEqualTo(exact);
        List<JsonNode> rows = board.get("rows").valueStream().toList();
        assertThat(rows).extracting(row -> row.get("promptVersion").asInt()).containsExactly(1, 2);
        assertThat(rows).extracting(row -> row.get("rank").asInt()).containsExactly(1, 2);
        assertThat(rows).extracting(row -> row.get("experimentId").asString()).containsExactly(after, before);
        JsonNode best = rows.getFirst();
        assertThat(best.get("stale").asBoolean()).isFalse();
        assertThat(best.get("items").asInt()).isEqualTo(3);
        assertThat(best.get("metrics").get(exact).get("mean").asDouble()).isEqualTo(1.0);
        assertThat(best.get("metrics").get(exact).get("count").asInt()).isEqualTo(3);
        assertThat(rows.get(1).get("metrics").get(exact).get("mean").asDouble()).isZero();
        assertThat(best.get("latencyP50Ms").isNumber()).isTrue();

        // A newer experiment of the same version and model replaces its entry.
        String again = awaitCompleted(experiment(2));
        assertThat(leaderboard(benchmark).get("rows").get(1).get("experimentId").asString())
                .isEqualTo(again);
    }

    @Test
    void theRedisCopyIsRebuiltFromPostgresqlWhenLostAndDroppedWhenAnEntryChanges() {
        String benchmark = benchmark(exact);
        awaitCompleted(experiment(1));
        JsonNode first = leaderboard(benchmark);
        assertThat(redis.keys(PREFIX + "leaderboard:{" + benchmark + "}:*"))
                .as("the copy, built by the first read")
                .isNotEmpty();
        assertThat(leaderboard(benchmark)).as("served from the copy").isEqualTo(first);

        redis.delete(redis.keys(PREFIX + "leaderboard:{" + benchmark + "}:*"));
        // The replica serves the view it read for a second more (LeaderboardCache.RECENT), then rebuilds the copy.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(leaderboard(benchmark)).as("rebuilt from PostgreSQL").isEqualTo(first);
            assertThat(redis.keys(PREFIX + "leaderboard:{" + benchmark + "}:*"))
                    .as("the copy, rebuilt")
                    .isNotEmpty();
        });

        awaitCompleted(experiment(2));
        // The entry is written just after the experiment reads as completed (on its ExperimentEnded event), and drops
        // the copy once committed: a read in between still gets the old copy, so wait for the entry, not the status.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(leaderboard(benchmark).get("rows"))
                        .as("the new entry, not the old copy")
                        .hasSize(2));
    }

    @Test
    void anEntryScoredByAnotherEvaluatorVersionThanTheBenchmarkPinsIsMarkedStale() {
        String old = awaitCompleted(experiment(1)); // scored by exact match version 1
        var newer = http.postJson(
                "/api/v1/evaluators/" + exact + "/versions",
                "{\"baseVersion\": 1, \"config\": {\"ignoreCase\": true}}",
                owner);
        assertThat(newer.statusCode()).as(newer.body()).isEqualTo(201);
        String benchmark = benchmark(exact); // pins version 2, the newest

        JsonNode row = leaderboard(benchmark).get("rows").get(0);
        assertThat(row.get("experimentId").asString()).isEqualTo(old);
        assertThat(row.get("stale").asBoolean()).isTrue();
        assertThat(row.get("metrics").get(exact).get("evaluatorVersion").asInt())
                .isEqualTo(1);
    }

    @Test
    void theGateCountsACompletedExperimentWhoseEntryIsNotWrittenYet() {
        String benchmark = benchmark(exact);
        String policy = "/api/v1/prompts/" + prompt + "/labels/production/policy";
        assertThat(http.putJson(
                                policy,
                                "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.9}"
                                        .formatted(benchmark, exact),
                                owner)
                        .statusCode())
                .isEqualTo(200);
        awaitCompleted(experiment(1));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(leaderboard(benchmark).get("rows")).hasSize(1));
        // The moment between an experiment reading as completed and its end event writing the entry.
        jdbc.sql("DELETE FROM leaderboard_entries WHERE benchmark_id = ?::uuid")
                .param(benchmark)
                .update();

        assertThat(move(1, null, owner).statusCode()).isEqualTo(200);
        assertThat(versionOfProduction()).isEqualTo(1);
    }

    @Test
    void aBenchmarkIsCheckedBeforeItIsStoredAndBelongsToItsOrganization() {
        String path = "/api/v1/benchmarks";
        assertInvalid(http.postJson(path, benchmarkBody(dataset, 9, exact, null), owner), path, "#/datasetVersion");
        assertInvalid(
                http.postJson(path, benchmarkBody(dataset, 1, UUID.randomUUID().toString(), null), owner),
                path,
                "#/metrics/0/evaluatorId");
        assertInvalid(
                http.postJson(
                        path, benchmarkBody(dataset, 1, exact, UUID.randomUUID().toString()), owner),
                path,
                "#/rankBy");
        assertThat(http.postJson(
                                path,
                                benchmarkBody(dataset, 1, exact, null),
                                acme.member("viewer").bearer())
                        .statusCode())
                .isEqualTo(403);
        assertThat(Http.json(http.get(path, owner)).get("items"))
                .as("nothing stored")
                .isEmpty();

        String benchmark = benchmark(exact);
        assertThat(Http.json(http.get(
                                path + "/" + benchmark, acme.member("viewer").bearer()))
                        .get("metrics")
                        .get(0)
                        .get("evaluatorVersion")
                        .asInt())
                .isEqualTo(1);
        String stranger = tenants.create("globex").owner().bearer();
        assertProblem(http.get(path + "/" + benchmark, stranger), 404, "RESOURCE_NOT_FOUND", path + "/" + benchmark);
        assertProblem(
                http.get(path + "/" + benchmark + "/leaderboard", stranger),
                404,
                "RESOURCE_NOT_FOUND",
                path + "/" + benchmark + "/leaderboard");
    }

    @Test
    void aGatedLabelMovesOnlyToAVersionThatMeetsItsPolicyUnlessAnOwnerOverridesWithAReason() {
        String benchmark = benchmark(exact);
        String policy = "/api/v1/prompts/" + prompt + "/labels/production/policy";
        String body = "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.9, \"maxRegression\": 0}"
                .formatted(benchmark, exact);
        assertThat(http.putJson(policy, body, acme.member("member").bearer()).statusCode())
                .as("only owners and admins")
                .isEqualTo(403);
        assertInvalid(
                http.putJson(policy, body.replace(exact, UUID.randomUUID().toString()), owner),
                policy,
                "#/evaluatorId");
        assertThat(http.putJson(policy, body, owner).statusCode()).isEqualTo(200);
        assertThat(Http.json(http.get(policy, acme.member("viewer").bearer()))
                        .get("threshold")
                        .asDouble())
                .isEqualTo(0.9);

        String label = "/api/v1/prompts/" + prompt + "/labels/production";
        // No result yet: refused, and the figures say why.
        assertProblem(move(1, null, owner), 409, "LABEL_POLICY_REFUSED", label);

        awaitCompleted(experiment(1));
        awaitCompleted(experiment(2));
        // The entries are written just after the experiments read as completed (on their ExperimentEnded events).
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(leaderboard(benchmark).get("rows")).hasSize(2));
        assertThat(move(1, null, owner).statusCode()).isEqualTo(200);

        var refused = move(2, null, owner);
        assertProblem(refused, 409, "LABEL_POLICY_REFUSED", label);
        JsonNode gate = Http.json(refused).get("gate");
        assertThat(gate.get("candidate").get("version").asInt()).isEqualTo(2);
        assertThat(gate.get("candidate").get("mean").asDouble()).isZero();
        assertThat(gate.get("threshold").asDouble()).isEqualTo(0.9);
        assertThat(versionOfProduction()).isEqualTo(1);

        assertThat(move(
                                2,
                                "hotfix approved by the on-call lead",
                                acme.member("member").bearer())
                        .statusCode())
                .as("only an owner overrides")
                .isEqualTo(403);
        assertThat(move(2, "hotfix approved by the on-call lead", owner).statusCode())
                .isEqualTo(200);
        assertThat(versionOfProduction()).isEqualTo(2);

        // Version 3 is as good as the best: it passes, and is no regression against version 2.
        awaitCompleted(experiment(3));
        assertThat(move(3, null, owner).statusCode()).isEqualTo(200);

        List<JsonNode> moves = Http.json(http.get(label + "/moves", owner))
                .get("items")
                .valueStream()
                .toList();
        assertThat(moves).extracting(m -> m.get("toVersion").asInt()).containsExactly(3, 2, 1);
        assertThat(moves.get(0).get("gate").get("verdict").asString()).isEqualTo("passed");
        assertThat(moves.get(0).get("gate").get("baseline").get("version").asInt())
                .isEqualTo(2);
        assertThat(moves.get(1).get("gate").get("verdict").asString()).isEqualTo("refused");
        assertThat(moves.get(1).get("overrideReason").asString()).isEqualTo("hotfix approved by the on-call lead");
        assertThat(moves.get(2).has("overrideReason")).isFalse();

        assertProblem(
                http.delete("/api/v1/benchmarks/" + benchmark, owner),
                409,
                "CONFLICT",
                "/api/v1/benchmarks/" + benchmark);
        assertThat(http.delete(policy, owner).statusCode()).isEqualTo(204);
        assertThat(move(2, null, owner).statusCode()).as("no policy, no gate").isEqualTo(200);
    }

    @Test
    void aSplitSendsTrafficOnlyToVersionsThatMeetTheLabelsPolicyUnlessAnOwnerOverrides() {
        String benchmark = benchmark(exact);
        String policy = "/api/v1/prompts/" + prompt + "/labels/production/policy";
        assertThat(http.putJson(
                                policy,
                                "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.9, \"maxRegression\": 0}"
                                        .formatted(benchmark, exact),
                                owner)
                        .statusCode())
                .isEqualTo(200);
        awaitCompleted(experiment(1));
        awaitCompleted(experiment(2));
        awaitCompleted(experiment(3));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(leaderboard(benchmark).get("rows")).hasSize(3));
        assertThat(move(1, null, owner).statusCode()).isEqualTo(200);
        String split = "/api/v1/prompts/" + prompt + "/labels/production/split";
        String toTwo = "{\"arms\": [{\"version\": 1, \"weight\": 9}, {\"version\": 2, \"weight\": 1}]%s}";

        var refused = http.putJson(split, toTwo.formatted(""), owner);
        var notOwner = http.putJson(
                split,
                toTwo.formatted(", \"overrideReason\": \"try it\""),
                acme.member("member").bearer());

        JsonNode problem = assertProblem(refused, 409, "LABEL_POLICY_REFUSED", split);
        assertThat(problem.get("arm").asInt()).isEqualTo(1);
        assertThat(problem.get("gate").get("candidate").get("version").asInt()).isEqualTo(2);
        assertThat(notOwner.statusCode()).isEqualTo(403);
        assertThat(http.get(split, owner).statusCode()).isEqualTo(404);

        var passing = http.putJson(
                split, "{\"arms\": [{\"version\": 1, \"weight\": 9}, {\"version\": 3, \"weight\": 1}]}", owner);
        assertThat(passing.statusCode()).as(passing.body()).isEqualTo(200);
        JsonNode passed = Http.json(http.get("/api/v1/prompts/" + prompt + "/labels/production/moves", owner))
                .get("items")
                .get(0);
        assertThat(passed.get("kind").asString()).isEqualTo("split");
        assertThat(passed.get("gate").get("arms").get("3").get("verdict").asString())
                .isEqualTo("passed");

        var overridden = http.putJson(split, toTwo.formatted(", \"overrideReason\": \"canary approved\""), owner);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
        JsonNode last = Http.json(http.get("/api/v1/prompts/" + prompt + "/labels/production/moves", owner))
                .get("items")
                .get(0);
        assertThat(last.get("overrideReason").asString()).isEqualTo("canary approved");
        assertThat(last.get("gate").get("arms").get("2").get("verdict").asString())
                .isEqualTo("refused");
        assertThat(versionOfProduction()).isEqualTo(1);
    }

    @Test
    void deletingTheOrganizationDeletesItsBenchmarksEntriesPoliciesAndLabelHistory() {
        String benchmark = benchmark(exact);
        awaitCompleted(experiment(1));
        assertThat(http.putJson(
                                "/api/v1/prompts/" + prompt + "/labels/production/policy",
                                "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.5}"
                                        .formatted(benchmark, exact),
                                owner)
                        .statusCode())
                .isEqualTo(200);
        assertThat(move(1, null, owner).statusCode()).isEqualTo(200);

        jdbc.sql("DELETE FROM organizations WHERE id = ?")
                .param(acme.organizationId)
                .update();

        for (String table : List.of(
                "benchmarks", "benchmark_metrics", "leaderboard_entries", "label_policies", "prompt_label_moves")) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = ?")
                            .param(acme.organizationId)
                            .query(Integer.class)
                            .single())
                    .as(table)
                    .isZero();
        }
    }

    /** A 400 whose first error points at {@code pointer}. */
    private static void assertInvalid(HttpResponse<String> response, String instance, String pointer) {
        JsonNode problem = assertProblem(response, 400, "INVALID_REQUEST", instance);
        assertThat(problem.get("errors").get(0).get("pointer").asString()).isEqualTo(pointer);
    }

    private HttpResponse<String> move(int version, String overrideReason, String bearer) {
        String body = overrideReason == null
                ? "{\"version\": %d}".formatted(version)
                : "{\"version\": %d, \"overrideReason\": \"%s\"}".formatted(version, overrideReason);
        return http.putJson("/api/v1/prompts/" + prompt + "/labels/production", body, bearer);
    }

    private int versionOfProduction() {
        return Http.json(http.get("/api/v1/prompts/" + prompt, owner))
                .get("labels")
                .get("production")
                .asInt();
    }

    private JsonNode leaderboard(String benchmark) {
        var response = http.get("/api/v1/benchmarks/" + benchmark + "/leaderboard", owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    private String benchmark(String evaluator) {
        var created = http.postJson("/api/v1/benchmarks", benchmarkBody(dataset, 1, evaluator, null), owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private static String benchmarkBody(String dataset, int version, String evaluator, String rankBy) {
        return """
                {"name": "b-%s", "datasetId": "%s", "datasetVersion": %d,
                 "metrics": [{"evaluatorId": "%s", "direction": "higher"}]%s}""".formatted(
                        UUID.randomUUID(),
                        dataset,
                        version,
                        evaluator,
                        rankBy == null ? "" : ", \"rankBy\": \"" + rankBy + "\"");
    }

    private String experiment(int version) {
        var created = http.postJson("/api/v1/experiments", """
                {"promptId": "%s", "promptVersion": %d, "datasetId": "%s", "evaluators": [{"evaluatorId": "%s"}]}""".formatted(prompt, version, dataset, exact), owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return Http.json(created).get("id").asString();
    }

    private String awaitCompleted(String experiment) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Http.json(http.get("/api/v1/experiments/" + experiment, owner))
                        .get("status")
                        .asString()
                        .equals("completed"));
        return experiment;
    }

    private void addVersion(int base, String template) {
        var added = http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": %d, \"modelId\": \"%s\", \"template\": {\"format\": \"text\", \"text\": \"%s\"}}"
                        .formatted(base, echo, template),
                owner);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    }

    private static String item(String answer) {
        return "{\"input\": {\"answer\": \"%s\"}, \"expectedOutput\": \"%s\"}".formatted(answer, answer);
    }

    private String dataset(String... items) {
        var created = http.postJson(
                "/api/v1/datasets",
                "{\"name\": \"d-%s\", \"items\": [%s]}".formatted(UUID.randomUUID(), String.join(", ", items)),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private String evaluator(String type) {
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"%s-%s\", \"type\": \"%s\", \"config\": {}}".formatted(type, UUID.randomUUID(), type),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }
}
