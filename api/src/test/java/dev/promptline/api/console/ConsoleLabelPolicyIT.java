package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A gated label in the console: the prompt page says what the policy asks and how the last move was judged, and the
 * move's confirmation says what the policy thinks of the move before it is made, with an owner's override.
 */
@TestPropertySource(properties = "promptline.experiments.poll-interval=100ms")
class ConsoleLabelPolicyIT extends AuthenticatedApi {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    private String owner;
    private String prompt;
    private String dataset;
    private String exact;
    private String benchmark;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        var registry = new Registry(http, owner);
        String echo = registry.echoModel();
        prompt = registry.prompt(echo, "{{answer}}"); // version 1: right on every item
        var added = http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"%s\", \"template\": {\"format\": \"text\", \"text\": \"{{answer}}!\"}}"
                        .formatted(echo),
                owner); // version 2: wrong on every item
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        dataset = created("/api/v1/datasets", """
                {"name": "capitals", "items": [
                  {"input": {"answer": "Paris"}, "expectedOutput": "Paris"},
                  {"input": {"answer": "Rome"}, "expectedOutput": "Rome"}]}""");
        exact = created("/api/v1/evaluators", "{\"name\": \"exact\", \"type\": \"exact_match\", \"config\": {}}");
        benchmark = created("/api/v1/benchmarks", """
                {"name": "capitals-bench", "datasetId": "%s", "datasetVersion": 1,
                 "metrics": [{"evaluatorId": "%s", "direction": "higher"}]}""".formatted(dataset, exact));
        var policy = http.putJson(
                "/api/v1/prompts/" + prompt + "/labels/production/policy",
                "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.9, \"maxRegression\": 0}"
                        .formatted(benchmark, exact),
                owner);
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    }

    @Test
    void thePromptPageAndTheConfirmationSayWhatThePolicyAsksAndWhatItThinks() {
        var member = new ConsoleClient(port);
        member.signIn(acme.member("member").key());
        String page = member.get("/console/prompts/" + prompt).body();
        assertThat(page)
                .contains("production", "nothing yet")
                .contains(
                        "A version needs a mean of 'exact' on benchmark 'capitals-bench' of at least 0.9 (higher is better),"
                                + " and no worse than the version it replaces.");

        String early = member.get(movePath(1)).body();
        assertThat(early)
                .as("no experiment has run yet")
                .contains("Version 1 has no finished experiment on benchmark")
                .contains("only an owner may make it regardless")
                .doesNotContain("id=\"confirm-move\"");

        awaitLeaderboardRows(experiment(1), experiment(2));

        String passes = member.get(movePath(1)).body();
        assertThat(passes)
                .contains("It passes. Version 1 scored a mean of 1 (95% CI")
                .contains("id=\"confirm-move\"");
        var moved = member.post(
                "/console/prompts/" + prompt + "/labels/move", Map.of("label", "production", "version", "1"));
        assertThat(moved.statusCode()).isEqualTo(302);
        assertThat(member.get("/console/prompts/" + prompt).body())
                .contains("set to version 1")
                .contains("The policy passed it. Version 1 scored a mean of 1");

        String refused = member.get(movePath(2)).body();
        assertThat(refused)
                .contains("Version 2's mean 0.0 is lower than the threshold 0.9.")
                .contains("Version 2 scored a mean of 0 (95% CI 0 to 0, 2 scores).")
                .doesNotContain("id=\"confirm-move\"");
        var forged = member.post(
                "/console/prompts/" + prompt + "/labels/move",
                Map.of("label", "production", "version", "2", "overrideReason", "I insist"));
        assertThat(forged.statusCode())
                .as("the server refuses a member's override")
                .isEqualTo(403);

        var ownerBrowser = new ConsoleClient(port);
        ownerBrowser.signIn(acme.owner().key());
        assertThat(ownerBrowser.get(movePath(2)).body())
                .contains("id=\"override-reason\"")
                .contains("Override the policy and move production to version 2");
        var overridden = ownerBrowser.post(
                "/console/prompts/" + prompt + "/labels/move",
                Map.of("label", "production", "version", "2", "overrideReason", "hotfix approved by on-call"));
        assertThat(overridden.statusCode()).isEqualTo(302);
        assertThat(ownerBrowser.get("/console/prompts/" + prompt).body())
                .contains("moved from version 1 to version 2")
                .contains("an owner overrode it: hotfix approved by on-call");
    }

    private String movePath(int version) {
        return "/console/prompts/%s/labels/move?label=production&version=%d".formatted(prompt, version);
    }

    private String experiment(int version) {
        return created("/api/v1/experiments", """
                {"promptId": "%s", "promptVersion": %d, "datasetId": "%s", "evaluators": [{"evaluatorId": "%s"}]}""".formatted(prompt, version, dataset, exact));
    }

    private void awaitLeaderboardRows(String... experiments) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(
                                Http.json(http.get("/api/v1/benchmarks/" + benchmark + "/leaderboard", owner))
                                        .get("rows"))
                        .hasSize(experiments.length));
    }

    private String created(String path, String body) {
        var response = http.postJson(path, body, owner);
        assertThat(response.statusCode()).as(response.body()).isIn(201, 202);
        return Http.json(response).get("id").asString();
    }
}
