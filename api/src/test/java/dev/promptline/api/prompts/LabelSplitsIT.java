package dev.promptline.api.prompts;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Traffic splits on a label through the REST API, against a fake OpenAI provider on loopback: a prompt with versions
 * 1, 2 and 3 whose {@code production} label points at version 1.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class LabelSplitsIT extends AuthenticatedApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @DynamicPropertySource
    static void providerOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.executions.heartbeat", () -> "200ms");
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    String owner;
    String prompt;
    String base;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        PROVIDER.reset(Reply.stream("Category", ":", " billing").inputTokens(10));
        var model = http.postJson(
                "/api/v1/models",
                "{\"provider\": \"custom\", \"name\": \"m-" + UUID.randomUUID()
                        + "\", \"providerModelId\": \"gpt-split\", \"baseUrl\": \"" + PROVIDER.baseUrl()
                        + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 10}",
                owner);
        assertThat(model.statusCode()).as(model.body()).isEqualTo(201);
        String modelId = Http.json(model).get("id").asString();
        var created = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"triage\", \"modelId\": \"" + modelId
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage: {{ticket}}\"}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        prompt = Http.json(created).get("id").asString();
        base = "/api/v1/prompts/" + prompt;
        for (int version = 2; version <= 3; version++) {
            var added = http.postJson(
                    base + "/versions",
                    "{\"baseVersion\": " + (version - 1) + ", \"modelId\": \"" + modelId
                            + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage v" + version
                            + ": {{ticket}}\"}}",
                    owner);
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        }
        var label = http.putJson(base + "/labels/production", "{\"version\": 1}", owner);
        assertThat(label.statusCode()).as(label.body()).isEqualTo(200);
    }

    @Test
    void aNinetyTenSplitWithoutKeysLandsNearItsWeightsAndTheReadoutComparesTheArms() {
        JsonNode split = split("[{\"version\": 1, \"weight\": 90}, {\"version\": 2, \"weight\": 10}]");
        String splitId = split.get("id").asString();
        assertThat(split.get("labelVersion").asInt()).isEqualTo(1);
        assertThat(split.get("arms").get(1).get("share").asDouble()).isEqualTo(0.1);

        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            JsonNode execution = execute("{\"variables\": {\"ticket\": \"t" + i + "\"}}");
            assertThat(execution.get("label").asString()).isEqualTo("production");
            assertThat(execution.get("splitId").asString()).isEqualTo(splitId);
            counts.merge(execution.get("promptVersion").asInt(), 1, Integer::sum);
        }

        // Binomial(400, 0.1): mean 40, sd 6; 4.5 sd either side.
        assertThat(counts.getOrDefault(2, 0)).as("%s", counts).isBetween(13, 67);
        assertThat(counts.keySet()).containsOnly(1, 2);
        JsonNode readout = Http.json(http.get(base + "/labels/production/split", owner));
        assertThat(readout.get("id").asString()).isEqualTo(splitId);
        for (JsonNode arm : readout.get("arms")) {
            int version = arm.get("version").asInt();
            assertThat(arm.get("executions").asInt()).isEqualTo(counts.get(version));
            assertThat(arm.get("succeeded").asInt()).isEqualTo(counts.get(version));
            assertThat(arm.get("errorRate").asDouble()).isZero();
            assertThat(arm.get("meanLatencyMs").isNumber()).isTrue();
            assertThat(arm.get("costUsd").decimalValue()).isPositive();
        }
        var secondArm = Http.json(http.get(
                "/api/v1/executions?promptId=" + prompt + "&version=2&splitId=" + splitId + "&pageSize=100", owner));
        assertThat(secondArm.get("items")).hasSize(counts.get(2));
    }

    @Test
    void theSameKeyAlwaysGetsTheSameArmAndKeysSpreadOverTheArms() {
        split("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}, {\"version\": 3, \"weight\": 1}]");

        Set<Integer> seen = new HashSet<>();
        for (int key = 0; key < 30; key++) {
            Set<Integer> versions = new HashSet<>();
            for (int call = 0; call < 3; call++) {
                versions.add(execute("{\"variables\": {\"ticket\": \"x\"}, \"splitKey\": \"user-" + key + "\"}")
                        .get("promptVersion")
                        .asInt());
            }
            assertThat(versions).as("user-%d", key).hasSize(1);
            seen.addAll(versions);
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void aVersionOrLabelNamedByTheRequestIsNotSplitUnlessItIsTheSplitLabel() {
        split("[{\"version\": 2, \"weight\": 1}, {\"version\": 3, \"weight\": 1000000}]");

        JsonNode byVersion = execute("{\"variables\": {\"ticket\": \"x\"}, \"version\": 1}");
        JsonNode byDefault = execute("{\"variables\": {\"ticket\": \"x\"}}");

        assertThat(byVersion.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(byVersion.has("splitId")).isFalse();
        assertThat(byVersion.has("label")).isFalse();
        assertThat(byDefault.get("label").asString()).isEqualTo("production");
        assertThat(byDefault.has("splitId")).isTrue();
    }

    @Test
    void aBadSplitIsA400NamingTheFieldAndChangesNothing() {
        Map<String, String> bad = Map.of(
                "[{\"version\": 1, \"weight\": 90}, {\"version\": 9, \"weight\": 10}]", "#/arms/1/version",
                "[{\"version\": 1, \"weight\": 0}, {\"version\": 2, \"weight\": 10}]", "#/arms/0/weight",
                "[{\"version\": 1, \"weight\": 100}]", "#/arms",
                "[{\"version\": 2, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]", "#/arms/1/version",
                "[{\"version\": 1}, {\"version\": 2, \"weight\": 1}]", "#/arms/0/weight");
        bad.forEach((arms, pointer) -> {
            var response = http.putJson(base + "/labels/production/split", "{\"arms\": " + arms + "}", owner);
            JsonNode problem = assertProblem(response, 400, "INVALID_REQUEST", base + "/labels/production/split");
            assertThat(problem.get("errors").get(0).get("pointer").asString())
                    .as(arms)
                    .isEqualTo(pointer);
        });

        assertThat(http.get(base + "/labels/production/split", owner).statusCode())
                .isEqualTo(404);
        assertThat(Http.json(http.get(base, owner)).has("splits")).isFalse();
        assertThat(moveKinds()).containsExactly("move");
    }

    @Test
    void aSplitNeedsTheLabelFirst() {
        var response = http.putJson(
                base + "/labels/staging/split",
                "{\"arms\": [{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]}",
                owner);

        assertProblem(response, 404, "RESOURCE_NOT_FOUND", base + "/labels/staging/split");
    }

    @Test
    void aViewerCannotSetOrRemoveASplitButCanReadIt() {
        String viewer = acme.member("viewer").bearer();

        var refused = http.putJson(
                base + "/labels/production/split",
                "{\"arms\": [{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]}",
                viewer);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(http.get(base + "/labels/production/split", owner).statusCode())
                .isEqualTo(404);
        split("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]");
        assertThat(http.delete(base + "/labels/production/split", viewer).statusCode())
                .isEqualTo(403);
        assertThat(http.get(base + "/labels/production/split", viewer).statusCode())
                .isEqualTo(200);
    }

    @Test
    void removingTheSplitRestoresTheLabelsOwnVersionAndTheHistoryKeepsBoth() {
        split("[{\"version\": 2, \"weight\": 1}, {\"version\": 3, \"weight\": 1}]");
        assertThat(Http.json(http.get(base, owner)).get("splits").get("production"))
                .hasSize(2);

        var removed = http.delete(base + "/labels/production/split", owner);

        assertThat(removed.statusCode()).isEqualTo(204);
        for (int i = 0; i < 10; i++) {
            JsonNode execution = execute("{\"variables\": {\"ticket\": \"x\"}, \"splitKey\": \"user-" + i + "\"}");
            assertThat(execution.get("promptVersion").asInt()).isEqualTo(1);
            assertThat(execution.has("splitId")).isFalse();
        }
        assertThat(http.get(base + "/labels/production/split", owner).statusCode())
                .isEqualTo(404);
        assertThat(http.delete(base + "/labels/production/split", owner).statusCode())
                .isEqualTo(404);
        assertThat(moveKinds()).containsExactly("unsplit", "split", "move");
        JsonNode moves =
                Http.json(http.get(base + "/labels/production/moves", owner)).get("items");
        assertThat(moves.get(1).get("split").get("arms").get(0).get("version").asInt())
                .isEqualTo(2);
        assertThat(moves.get(1).get("fromVersion").asInt()).isEqualTo(1);
        assertThat(moves.get(1).get("toVersion").asInt()).isEqualTo(1);
    }

    @Test
    void movingTheLabelEndsItsSplit() {
        split("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]");

        var moved = http.putJson(base + "/labels/production", "{\"version\": 2}", owner);

        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(Http.json(moved).has("splits")).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(execute("{\"variables\": {\"ticket\": \"x\"}}")
                            .get("promptVersion")
                            .asInt())
                    .isEqualTo(2);
        }
        assertThat(http.get(base + "/labels/production/split", owner).statusCode())
                .isEqualTo(404);
    }

    @Test
    void settingASplitAgainStartsANewSplitAndExecutionsNameTheirOwn() {
        String first = split("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]")
                .get("id")
                .asString();
        JsonNode before = execute("{\"variables\": {\"ticket\": \"x\"}}");

        String second = split("[{\"version\": 1, \"weight\": 3}, {\"version\": 3, \"weight\": 1}]")
                .get("id")
                .asString();
        JsonNode after = execute("{\"variables\": {\"ticket\": \"x\"}}");

        assertThat(second).isNotEqualTo(first);
        assertThat(before.get("splitId").asString()).isEqualTo(first);
        assertThat(after.get("splitId").asString()).isEqualTo(second);
        assertThat(Http.json(http.get(base + "/labels/production/split", owner))
                        .get("arms")
                        .get(1)
                        .get("version")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void theReadoutAveragesTheScoresGivenToEachArmsExecutions() {
        split("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]");
        Map<Integer, String> executionOf = new HashMap<>();
        for (int key = 0; executionOf.size() < 2 && key < 100; key++) {
            JsonNode execution = execute("{\"variables\": {\"ticket\": \"x\"}, \"splitKey\": \"k" + key + "\"}");
            executionOf.putIfAbsent(
                    execution.get("promptVersion").asInt(), execution.get("id").asString());
        }
        score(executionOf.get(1), "{\"name\": \"helpfulness\", \"value\": 0.2}");
        score(executionOf.get(2), "{\"name\": \"helpfulness\", \"value\": 0.8}");
        score(executionOf.get(2), "{\"name\": \"thumbs\", \"value\": true}");

        JsonNode arms =
                Http.json(http.get(base + "/labels/production/split", owner)).get("arms");

        assertThat(arms.get(0).get("meanScores").get("helpfulness").asDouble()).isEqualTo(0.2);
        assertThat(arms.get(0).get("meanScores").has("thumbs")).isFalse();
        assertThat(arms.get(1).get("meanScores").get("helpfulness").asDouble()).isEqualTo(0.8);
        assertThat(arms.get(1).get("meanScores").get("thumbs").asDouble()).isEqualTo(1.0);
    }

    private void score(String execution, String body) {
        var given = http.postJson("/api/v1/executions/" + execution + "/scores", body, owner);
        assertThat(given.statusCode()).as(given.body()).isEqualTo(201);
    }

    private JsonNode split(String arms) {
        var response = http.putJson(base + "/labels/production/split", "{\"arms\": " + arms + "}", owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    private JsonNode execute(String body) {
        var response = http.postJson(base + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    /** The label's history, newest first, by kind. */
    private List<String> moveKinds() {
        JsonNode moves =
                Http.json(http.get(base + "/labels/production/moves", owner)).get("items");
        return StreamSupport.stream(moves.spliterator(), false)
                .map(move -> move.get("kind").asString())
                .toList();
    }
}
