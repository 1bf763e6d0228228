package dev.promptline.api.evaluations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.Tenants;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Scores on executions: given through the API by people and applications, and recorded from evaluators. */
class ScoresIT extends AuthenticatedApi {
    @Autowired
    EvaluatorService evaluators;

    @Autowired
    ScoreService scores;

    String owner;
    String execution;
    String path;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        execution = execute(owner, "billing");
        path = "/api/v1/executions/" + execution + "/scores";
    }

    @Test
    void aPersonAddsScoresOfEachKindAndTheExecutionShowsThem() {
        Tenants.Member reviewer = acme.member("member");

        var numeric = http.postJson(
                path,
                "{\"name\": \"helpfulness\", \"value\": 4, \"min\": 1, \"max\": 5, \"comment\": \"clear\"}",
                reviewer.bearer());
        assertThat(numeric.statusCode()).as(numeric.body()).isEqualTo(201);
        JsonNode score = Http.json(numeric);
        assertThat(score.get("kind").asString()).isEqualTo("numeric");
        assertThat(score.get("value").asDouble()).isEqualTo(4);
        assertThat(score.get("min").asDouble()).isEqualTo(1);
        assertThat(score.get("max").asDouble()).isEqualTo(5);
        assertThat(score.get("comment").asString()).isEqualTo("clear");
        assertThat(score.get("createdBy").asString())
                .isEqualTo(reviewer.userId().toString());
        assertThat(score.has("evaluator")).isFalse();
        assertThat(http.postJson(path, "{\"name\": \"thumbs\", \"value\": true}", owner)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.postJson(path, "{\"name\": \"topic\", \"value\": \"billing\"}", owner)
                        .statusCode())
                .isEqualTo(201);
        JsonNode unitRange = Http.json(http.postJson(path, "{\"name\": \"quality\", \"value\": 0.75}", owner));
        assertThat(unitRange.get("min").asDouble()).isZero();
        assertThat(unitRange.get("max").asDouble()).isEqualTo(1);

        List<JsonNode> listed =
                Http.json(http.get(path, owner)).get("items").valueStream().toList();
        assertThat(listed)
                .extracting(s -> s.get("name").asString())
                .containsExactly("helpfulness", "thumbs", "topic", "quality");
        assertThat(listed)
                .extracting(s -> s.get("kind").asString())
                .containsExactly("numeric", "boolean", "categorical", "numeric");
        assertThat(listed.get(1).get("value").asBoolean()).isTrue();
        assertThat(listed.get(2).get("value").asString()).isEqualTo("billing");

        JsonNode record = Http.json(http.get("/api/v1/executions/" + execution, owner));
        assertThat(record.get("scores").valueStream().map(s -> s.get("name").asString()))
                .containsExactly("helpfulness", "thumbs", "topic", "quality");
        JsonNode list = Http.json(http.get("/api/v1/executions", owner));
        assertThat(list.get("items").get(0).has("scores"))
                .as("the list stays one query")
                .isFalse();
    }

    @Test
    void scoresPageInTheOrderTheyWereGiven() {
        for (int i = 0; i < 3; i++) {
            http.postJson(path, "{\"name\": \"n%d\", \"value\": true}".formatted(i), owner);
        }

        JsonNode first = Http.json(http.get(path + "?pageSize=2", owner));
        JsonNode second = Http.json(http.get(
                path + "?pageSize=2&pageToken=" + first.get("nextPageToken").asString(), owner));

        assertThat(first.get("items").valueStream().map(s -> s.get("name").asString()))
                .containsExactly("n0", "n1");
        assertThat(second.get("items").valueStream().map(s -> s.get("name").asString()))
                .containsExactly("n2");
        assertThat(second.has("nextPageToken")).isFalse();
    }

    @Test
    void badScoresAreAProblemNamingTheFieldAndWriteNothing() {
        assertThat(pointer("{\"name\": \"q\", \"value\": 4}")).isEqualTo("#/value");
        assertThat(detail("{\"name\": \"q\", \"value\": 4}"))
                .isEqualTo("must be within [0, 1]; give min and max for another range");
        assertThat(pointer("{\"name\": \"q\", \"value\": 4, \"min\": 1}")).isEqualTo("#/max");
        assertThat(pointer("{\"name\": \"q\", \"value\": 4, \"min\": 5, \"max\": 1}"))
                .isEqualTo("#/min");
        assertThat(pointer("{\"name\": \"q\", \"value\": 6, \"min\": 1, \"max\": 5}"))
                .isEqualTo("#/value");
        assertThat(pointer("{\"name\": \"q\", \"value\": true, \"min\": 0, \"max\": 1}"))
                .isEqualTo("#/min");
        assertThat(pointer("{\"name\": \"q\", \"value\": {\"a\": 1}}")).isEqualTo("#/value");
        assertThat(pointer("{\"name\": \"q\", \"value\": \" \"}")).isEqualTo("#/value");
        assertThat(pointer("{\"name\": \"q\", \"value\": \"%s\"}".formatted("x".repeat(256))))
                .isEqualTo("#/value");
        assertThat(pointer("{\"name\": \"q\", \"value\": \"a\\u0000b\"}")).isEqualTo("#/value");
        assertThat(pointer("{\"name\": \"\", \"value\": true}")).isEqualTo("#/name");
        assertThat(pointer("{\"name\": \"q\"}")).isEqualTo("#/value");
        JsonNode nul = assertProblem(
                http.postJson(path, "{\"name\": \"q\", \"value\": true, \"comment\": \"a\\u0000\"}", owner),
                400,
                "MALFORMED_REQUEST_BODY",
                path);
        assertThat(nul.get("errors").get(0).get("pointer").asString()).isEqualTo("#/comment");

        assertThat(Http.json(http.get(path, owner)).get("items").isEmpty()).isTrue();
    }

    @Test
    void anotherOrganizationsExecutionDoesNotExist() {
        var other = tenants.create("other");
        String theirs = execute(other.owner().bearer(), "theirs");
        String theirPath = "/api/v1/executions/" + theirs + "/scores";
        http.postJson(
                theirPath,
                "{\"name\": \"thumbs\", \"value\": false}",
                other.owner().bearer());

        assertProblem(
                http.postJson(theirPath, "{\"name\": \"thumbs\", \"value\": true}", owner),
                404,
                "RESOURCE_NOT_FOUND",
                theirPath);
        assertProblem(http.get(theirPath, owner), 404, "RESOURCE_NOT_FOUND", theirPath);
        String unknown = "/api/v1/executions/" + UUID.randomUUID() + "/scores";
        assertProblem(http.get(unknown, owner), 404, "RESOURCE_NOT_FOUND", unknown);
        assertThat(scores.forExecutions(new OrganizationId(acme.organizationId), List.of(UUID.fromString(theirs))))
                .isEmpty();
        assertThat(Http.json(http.get(theirPath, other.owner().bearer()))
                        .get("items")
                        .size())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "a {0} adding scores: {1}")
    @CsvSource({"owner, true", "admin, true", "member, true", "viewer, false"})
    void everyRoleReadsScoresAndOnlyMembersAndAboveAddThem(String role, boolean writes) {
        Tenants.Member caller = acme.member(role);

        var added = http.postJson(path, "{\"name\": \"thumbs\", \"value\": true}", caller.bearer());

        assertThat(http.get(path, caller.bearer()).statusCode()).isEqualTo(200);
        if (writes) {
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        } else {
            assertProblem(added, 403, "FORBIDDEN", path);
            assertThat(Http.json(http.get(path, owner)).get("items").isEmpty()).isTrue();
        }
    }

    @Test
    void anEvaluatorsVerdictIsRecordedWithTheVersionThatGaveItOrItsError() {
        var organization = new OrganizationId(acme.organizationId);
        String similar = create("{\"name\": \"similar\", \"type\": \"levenshtein\", \"config\": {\"threshold\": 0.9}}");
        http.postJson("/api/v1/evaluators/" + similar + "/versions", "{\"config\": {\"threshold\": 0.5}}", owner);
        ConfiguredEvaluator first = evaluators.configured(organization, new EvaluatorId(UUID.fromString(similar)), 1);
        ConfiguredEvaluator latest =
                evaluators.configured(organization, new EvaluatorId(UUID.fromString(similar)), null);
        assertThat(first.version()).isEqualTo(1);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.name()).isEqualTo("similar");
        assertThat(latest.type()).isEqualTo("levenshtein");
        UUID executionId = UUID.fromString(execution);
        var item = new Subject(Map.of("ticket", "billing"), "Ticket: billing", "Ticket: billin", null, null);

        Score scored =
                scores.record(organization, executionId, first, first.scorer().score(item));
        Score failed = scores.record(
                organization, executionId, latest, latest.scorer().score(new Subject(Map.of(), null, "x", null, null)));

        assertThat(scored.evaluatorVersionId()).isEqualTo(first.evaluatorVersionId());
        assertThat(scored.value()).isInstanceOf(ScoreValue.Numeric.class);
        assertThat(scored.passed()).isTrue();
        assertThat(failed.value()).isNull();
        assertThat(failed.error()).startsWith("no expected output");
        assertThat(scores.forExecutions(organization, List.of(executionId)))
                .extracting(Score::id)
                .containsExactly(scored.id(), failed.id());

        List<JsonNode> listed =
                Http.json(http.get(path, owner)).get("items").valueStream().toList();
        assertThat(listed.get(0).get("name").asString()).isEqualTo("similar");
        assertThat(listed.get(0).get("evaluator").get("id").asString()).isEqualTo(similar);
        assertThat(listed.get(0).get("evaluator").get("version").asInt()).isEqualTo(1);
        assertThat(listed.get(0).get("passed").asBoolean()).isTrue();
        assertThat(listed.get(0).has("createdBy")).isFalse();
        assertThat(listed.get(1).get("evaluator").get("version").asInt()).isEqualTo(2);
        assertThat(listed.get(1).has("kind")).isFalse();
        assertThat(listed.get(1).get("error").asString()).startsWith("no expected output");

        assertThat(http.delete("/api/v1/evaluators/" + similar, owner).statusCode())
                .isEqualTo(204);
        assertThat(Http.json(http.get(path, owner)).get("items").isEmpty())
                .as("deleting an evaluator deletes what it concluded")
                .isTrue();
    }

    @Test
    void aScoreIsReadByTheIdItsLocationNames() {
        var added = http.postJson(path, "{\"name\": \"helpfulness\", \"value\": 0.5, \"comment\": \"ok\"}", owner);
        String id = Http.json(added).get("id").asString();

        String location = added.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(path + "/" + id);
        var read = http.get(location, owner);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(Http.json(read)).isEqualTo(Http.json(added));
    }

    @Test
    void aScoreOfAnotherExecutionOrOrganizationIsNotFound() {
        String id = Http.json(http.postJson(path, "{\"name\": \"thumbs\", \"value\": true}", owner))
                .get("id")
                .asString();
        String otherExecution = execute(owner, "account");
        var other = tenants.create("other");

        String wrongExecution = "/api/v1/executions/" + otherExecution + "/scores/" + id;
        assertProblem(http.get(wrongExecution, owner), 404, "RESOURCE_NOT_FOUND", wrongExecution);
        assertProblem(http.delete(wrongExecution, owner), 404, "RESOURCE_NOT_FOUND", wrongExecution);
        assertProblem(http.get(path + "/" + id, other.owner().bearer()), 404, "RESOURCE_NOT_FOUND", path + "/" + id);
        assertProblem(http.delete(path + "/" + id, other.owner().bearer()), 404, "RESOURCE_NOT_FOUND", path + "/" + id);
        String unknown = path + "/" + UUID.randomUUID();
        assertProblem(http.get(unknown, owner), 404, "RESOURCE_NOT_FOUND", unknown);
        assertProblem(http.get(path + "/not-a-uuid", owner), 400, "INVALID_PARAMETER", path + "/not-a-uuid");
        assertThat(http.get(path + "/" + id, owner).statusCode())
                .as("still there")
                .isEqualTo(200);
    }

    @Test
    void theGiverOrAnOwnerOrAdminDeletesAScoreAndNobodyElse() {
        Tenants.Member giver = acme.member("member");
        Tenants.Member colleague = acme.member("member");
        Tenants.Member viewer = acme.member("viewer");
        Tenants.Member admin = acme.member("admin");
        String mine = path + "/"
                + Http.json(http.postJson(path, "{\"name\": \"thumbs\", \"value\": true}", giver.bearer()))
                        .get("id")
                        .asString();
        String second = path + "/"
                + Http.json(http.postJson(path, "{\"name\": \"topic\", \"value\": \"billing\"}", giver.bearer()))
                        .get("id")
                        .asString();

        assertProblem(http.delete(mine, colleague.bearer()), 403, "FORBIDDEN", mine);
        assertProblem(http.delete(mine, viewer.bearer()), 403, "FORBIDDEN", mine);
        assertThat(http.get(mine, owner).statusCode())
                .as("refused deletes change nothing")
                .isEqualTo(200);

        var deleted = http.delete(mine, giver.bearer());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertProblem(http.get(mine, owner), 404, "RESOURCE_NOT_FOUND", mine);
        assertProblem(http.delete(mine, giver.bearer()), 404, "RESOURCE_NOT_FOUND", mine);
        assertThat(http.delete(second, admin.bearer()).statusCode()).isEqualTo(204);
        assertThat(Http.json(http.get(path, owner)).get("items").isEmpty()).isTrue();
        assertThat(Http.json(http.get("/api/v1/executions/" + execution, owner))
                        .get("scores")
                        .isEmpty())
                .as("gone from the execution's record too")
                .isTrue();
    }

    @Test
    void anEvaluatorsScoreGoesOnlyWithItsEvaluator() {
        var organization = new OrganizationId(acme.organizationId);
        String valid = create("{\"name\": \"valid\", \"type\": \"json_valid\"}");
        ConfiguredEvaluator evaluator =
                evaluators.configured(organization, new EvaluatorId(UUID.fromString(valid)), null);
        Score score = scores.record(
                organization,
                UUID.fromString(execution),
                evaluator,
                evaluator.scorer().score(new Subject(Map.of(), null, "{}", null, null)));
        String scorePath = path + "/" + score.id();

        assertThat(Http.json(http.get(scorePath, owner))
                        .get("evaluator")
                        .get("id")
                        .asString())
                .isEqualTo(valid);
        assertProblem(http.delete(scorePath, owner), 409, "CONFLICT", scorePath);
        assertThat(http.get(scorePath, owner).statusCode()).isEqualTo(200);
    }

    @Test
    void configuredIsANotFoundForAnUnknownEvaluatorOrVersion() {
        var organization = new OrganizationId(acme.organizationId);
        String id = create("{\"name\": \"valid\", \"type\": \"json_valid\"}");

        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> evaluators.configured(organization, new EvaluatorId(UUID.fromString(id)), 2)))
                .hasMessage("The evaluator has no version 2.");
        var other = new OrganizationId(tenants.create("other").organizationId);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> evaluators.configured(other, new EvaluatorId(UUID.fromString(id)), null)))
                .hasMessage("No evaluator %s in this organization.".formatted(id));
    }

    private String create(String body) {
        var response = http.postJson("/api/v1/evaluators", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private String execute(String bearer, String ticket) {
        var registry = new Registry(http, bearer);
        String prompt = registry.prompt(registry.echoModel(), "Ticket: {{ticket}}");
        var response = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"%s\"}}".formatted(ticket),
                bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("id").asString();
    }

    private JsonNode firstError(String body) {
        JsonNode problem = assertProblem(http.postJson(path, body, owner), 400, "INVALID_REQUEST", path);
        return problem.get("errors").get(0);
    }

    private String pointer(String body) {
        return firstError(body).get("pointer").asString();
    }

    private String detail(String body) {
        return firstError(body).get("detail").asString();
    }
}
