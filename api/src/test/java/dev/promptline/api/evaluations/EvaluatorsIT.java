package dev.promptline.api.evaluations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class EvaluatorsIT extends AuthenticatedApi {
    private static final String TICKET_NUMBER = """
            {"name": "ticket-number", "description": "Quotes the ticket number", "type": "regex",
             "config": {"pattern": "#\\\\d{4}"}}
            """;

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
    }

    @Test
    void createsAnEvaluatorAtVersionOne() {
        var created = http.postJson("/api/v1/evaluators", TICKET_NUMBER, owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode evaluator = Http.json(created);
        String id = evaluator.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/evaluators/" + id);
        assertThat(evaluator.get("name").asString()).isEqualTo("ticket-number");
        assertThat(evaluator.get("description").asString()).isEqualTo("Quotes the ticket number");
        assertThat(evaluator.get("type").asString()).isEqualTo("regex");
        assertThat(evaluator.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(evaluator.get("latest").get("config").get("pattern").asString())
                .isEqualTo("#\\d{4}");
        assertThat(evaluator.get("createdBy").asString())
                .isEqualTo(acme.owner().userId().toString());
        assertThat(Http.json(http.get("/api/v1/evaluators/" + id, owner))
                        .get("latest")
                        .get("version")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void newVersionsAreNumberedAndEveryVersionStaysAsItWasMade() {
        String id = create(TICKET_NUMBER);
        String base = "/api/v1/evaluators/" + id;

        var added = http.postJson(
                base + "/versions", "{\"config\": {\"pattern\": \"#\\\\d{6}\"}, \"baseVersion\": 1}", owner);

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.headers().firstValue("Location")).hasValue(base + "/versions/2");
        assertThat(Http.json(added).get("version").asInt()).isEqualTo(2);
        assertThat(Http.json(added).get("type").asString()).isEqualTo("regex");
        assertThat(pattern(base + "/versions/1")).isEqualTo("#\\d{4}");
        assertThat(pattern(base + "/versions/2")).isEqualTo("#\\d{6}");
        assertThat(pattern(base + "/versions/latest")).isEqualTo("#\\d{6}");
        assertThat(Http.json(http.get(base, owner)).get("latestVersion").asInt())
                .isEqualTo(2);
        JsonNode versions = Http.json(http.get(base + "/versions", owner));
        assertThat(versions.get("items").valueStream().map(v -> v.get("version").asInt()))
                .containsExactly(2, 1);
        JsonNode firstPage = Http.json(http.get(base + "/versions?pageSize=1", owner));
        JsonNode secondPage = Http.json(http.get(
                base + "/versions?pageSize=1&pageToken="
                        + firstPage.get("nextPageToken").asString(),
                owner));
        assertThat(secondPage.get("items").get(0).get("version").asInt()).isEqualTo(1);

        assertThat(http.putJson(base + "/versions/1", "{\"config\": {\"pattern\": \"x\"}}", owner)
                        .statusCode())
                .as("a version cannot be changed")
                .isEqualTo(405);
        assertThat(http.delete(base + "/versions/1", owner).statusCode()).isEqualTo(405);
        assertThat(pattern(base + "/versions/1")).isEqualTo("#\\d{4}");
        assertProblem(http.get(base + "/versions/3", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions/3");
    }

    @Test
    void aStaleBaseVersionIsAConflictAndTheTypeCannotChange() {
        String id = create(TICKET_NUMBER);
        String path = "/api/v1/evaluators/" + id + "/versions";
        assertThat(http.postJson(path, "{\"config\": {\"pattern\": \"a\"}, \"baseVersion\": 1}", owner)
                        .statusCode())
                .isEqualTo(201);

        assertProblem(
                http.postJson(path, "{\"config\": {\"pattern\": \"b\"}, \"baseVersion\": 1}", owner),
                409,
                "VERSION_CONFLICT",
                path);
        var retyped = http.postJson(path, "{\"type\": \"contains\", \"config\": {\"values\": [\"a\"]}}", owner);
        assertThat(retyped.statusCode()).as(retyped.body()).isEqualTo(400);
        var wrongConfig = http.postJson(path, "{\"config\": {\"values\": [\"a\"]}}", owner);
        JsonNode problem = assertProblem(wrongConfig, 400, "INVALID_REQUEST", path);
        assertThat(problem.get("errors").get(0).get("pointer").asString()).isEqualTo("#/config/values");
        assertThat(Http.json(http.get("/api/v1/evaluators/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndWritesNothing() {
        assertThat(pointer("{\"name\": \"x\", \"type\": \"telepathy\"}")).isEqualTo("#/type");
        assertThat(detail("{\"name\": \"x\", \"type\": \"telepathy\"}"))
                .startsWith("unknown evaluator type 'telepathy'; this service runs ")
                .contains("exact_match", "json_schema", "regex");
        assertThat(pointer("{\"name\": \"x\", \"type\": \"regex\", \"config\": {\"pattern\": \"(unclosed\"}}"))
                .isEqualTo("#/config/pattern");
        assertThat(detail("{\"name\": \"x\", \"type\": \"regex\", \"config\": {\"pattern\": \"(unclosed\"}}"))
                .startsWith("does not compile: Unclosed group");
        assertThat(pointer("{\"name\": \"x\", \"type\": \"json_schema\", \"config\": {\"schema\": {\"type\": 5}}}"))
                .isEqualTo("#/config/schema");
        assertThat(pointer("{\"name\": \"x\", \"type\": \"contains\", \"config\": {\"values\": [\"a\", \"\"]}}"))
                .isEqualTo("#/config/values/1");
        assertThat(pointer("{\"name\": \"x\", \"type\": \"exact_match\", \"config\": [1]}"))
                .isEqualTo("#/config");
        assertThat(pointer("{\"name\": \"\", \"type\": \"exact_match\"}")).isEqualTo("#/name");
        assertThat(pointer("{\"name\": \"a/b\", \"type\": \"exact_match\"}")).isEqualTo("#/name");
        assertThat(pointer("{\"name\": \"x\"}")).isEqualTo("#/type");

        assertThat(jdbc.sql("SELECT count(*) FROM evaluators WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void aDryRunScoresWithoutStoringAnything() {
        String id = create(TICKET_NUMBER);
        String path = "/api/v1/evaluators/" + id + "/score";
        http.postJson("/api/v1/evaluators/" + id + "/versions", "{\"config\": {\"pattern\": \"#\\\\d{6}\"}}", owner);

        JsonNode latest = Http.json(http.postJson(path, "{\"output\": \"See ticket #1234\"}", owner));
        assertThat(latest.get("kind").asString()).isEqualTo("boolean");
        assertThat(latest.get("value").asBoolean()).isFalse();
        assertThat(latest.get("passed").asBoolean()).isFalse();
        assertThat(latest.get("evaluator").get("version").asInt()).isEqualTo(2);

        JsonNode first = Http.json(http.postJson(path + "?version=1", "{\"output\": \"See ticket #1234\"}", owner));
        assertThat(first.get("value").asBoolean()).isTrue();
        assertThat(first.get("comment").asString()).isEqualTo("matches '#1234'");
        assertThat(first.get("evaluator").get("version").asInt()).isEqualTo(1);

        String similar = create("{\"name\": \"similar\", \"type\": \"levenshtein\", \"config\": {\"threshold\": 0.8}}");
        JsonNode scored = Http.json(http.postJson(
                "/api/v1/evaluators/" + similar + "/score",
                "{\"output\": \"billin\", \"expectedOutput\": \"billing\", \"input\": {\"ticket\": \"x\"},"
                        + " \"latencyMs\": 120, \"costUsd\": 0.0001}",
                owner));
        assertThat(scored.get("kind").asString()).isEqualTo("numeric");
        assertThat(scored.get("value").asDouble()).isBetween(0.857, 0.858);
        assertThat(scored.get("min").asDouble()).isZero();
        assertThat(scored.get("max").asDouble()).isEqualTo(1);
        assertThat(scored.get("passed").asBoolean()).isTrue();

        JsonNode failed = Http.json(
                http.postJson("/api/v1/evaluators/" + similar + "/score", "{\"output\": \"billing\"}", owner));
        assertThat(failed.has("value")).isFalse();
        assertThat(failed.get("error").asString()).startsWith("no expected output");

        assertProblem(
                http.postJson(path + "?version=9", "{\"output\": \"x\"}", owner), 404, "RESOURCE_NOT_FOUND", path);
        assertThat(http.postJson(path, "{\"output\": \"x\", \"latencyMs\": -1}", owner)
                        .statusCode())
                .isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM scores").query(Integer.class).single())
                .isZero();
    }

    @Test
    void namesAreUniquePerOrganization() {
        create(TICKET_NUMBER);
        assertProblem(
                http.postJson("/api/v1/evaluators", TICKET_NUMBER, owner),
                409,
                "EVALUATOR_NAME_TAKEN",
                "/api/v1/evaluators");
        var other = tenants.create("other");
        assertThat(http.postJson(
                                "/api/v1/evaluators",
                                TICKET_NUMBER,
                                other.owner().bearer())
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void listsFilterByNamePrefixAndTypeAndPage() {
        create("{\"name\": \"format-json\", \"type\": \"json_valid\"}");
        create(
                "{\"name\": \"format_schema\", \"type\": \"json_schema\", \"config\": {\"schema\": {\"type\": \"object\"}}}");
        create("{\"name\": \"fast\", \"type\": \"latency\", \"config\": {\"maxMs\": 2000}}");

        assertThat(names("?name=format")).containsExactly("format-json", "format_schema");
        assertThat(names("?name=format_")).containsExactly("format_schema");
        assertThat(names("?type=latency")).containsExactly("fast");
        JsonNode first = Http.json(http.get("/api/v1/evaluators?pageSize=2", owner));
        assertThat(first.get("items").size()).isEqualTo(2);
        JsonNode second = Http.json(http.get(
                "/api/v1/evaluators?pageSize=2&pageToken="
                        + first.get("nextPageToken").asString(),
                owner));
        assertThat(second.get("items").valueStream().map(e -> e.get("name").asString()))
                .containsExactly("fast");
    }

    @Test
    void deletingAnEvaluatorDeletesItsVersions() {
        String id = create(TICKET_NUMBER);
        String base = "/api/v1/evaluators/" + id;

        assertThat(http.delete(base, owner).statusCode()).isEqualTo(204);

        assertProblem(http.get(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertThat(jdbc.sql("SELECT count(*) FROM evaluator_versions WHERE evaluator_id = ?")
                        .param(UUID.fromString(id))
                        .query(Integer.class)
                        .single())
                .isZero();
        assertProblem(http.delete(base, owner), 404, "RESOURCE_NOT_FOUND", base);
    }

    @Test
    void anotherOrganizationsEvaluatorDoesNotExist() {
        var other = tenants.create("other");
        String id = Http.json(http.postJson(
                        "/api/v1/evaluators", TICKET_NUMBER, other.owner().bearer()))
                .get("id")
                .asString();
        String base = "/api/v1/evaluators/" + id;

        assertProblem(http.get(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertProblem(http.get(base + "/versions", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions");
        assertProblem(http.get(base + "/versions/1", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions/1");
        assertProblem(
                http.postJson(base + "/versions", "{\"config\": {\"pattern\": \"x\"}}", owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/versions");
        assertProblem(
                http.postJson(base + "/score", "{\"output\": \"#1234\"}", owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/score");
        assertProblem(http.delete(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertThat(names("")).isEmpty();
        assertThat(Http.json(http.get(base, other.owner().bearer()))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "a {0} writing evaluators: {1}")
    @CsvSource({"owner, true", "admin, true", "member, true", "viewer, false"})
    void everyRoleReadsAndOnlyMembersAndAboveWrite(String role, boolean writes) {
        String id = create(TICKET_NUMBER);
        Tenants.Member caller = acme.member(role);
        String base = "/api/v1/evaluators/" + id;

        for (String path : List.of("/api/v1/evaluators", base, base + "/versions", base + "/versions/1")) {
            assertThat(http.get(path, caller.bearer()).statusCode()).as(path).isEqualTo(200);
        }
        var created = http.postJson(
                "/api/v1/evaluators", "{\"name\": \"by-" + role + "\", \"type\": \"json_valid\"}", caller.bearer());
        var added = http.postJson(base + "/versions", "{\"config\": {\"pattern\": \"x\"}}", caller.bearer());
        var tried = http.postJson(base + "/score", "{\"output\": \"#1234\"}", caller.bearer());
        if (writes) {
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(tried.statusCode()).as(tried.body()).isEqualTo(200);
            assertThat(http.delete(base, caller.bearer()).statusCode()).isEqualTo(204);
        } else {
            assertProblem(created, 403, "FORBIDDEN", "/api/v1/evaluators");
            assertProblem(added, 403, "FORBIDDEN", base + "/versions");
            assertProblem(tried, 403, "FORBIDDEN", base + "/score");
            assertProblem(http.delete(base, caller.bearer()), 403, "FORBIDDEN", base);
            assertThat(Http.json(http.get(base, owner)).get("latestVersion").asInt())
                    .isEqualTo(1);
        }
    }

    private String create(String body) {
        var response = http.postJson("/api/v1/evaluators", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private String pattern(String path) {
        var response = http.get(path, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("config").get("pattern").asString();
    }

    private JsonNode firstError(String body) {
        JsonNode problem = assertProblem(
                http.postJson("/api/v1/evaluators", body, owner), 400, "INVALID_REQUEST", "/api/v1/evaluators");
        return problem.get("errors").get(0);
    }

    private String pointer(String body) {
        return firstError(body).get("pointer").asString();
    }

    private String detail(String body) {
        return firstError(body).get("detail").asString();
    }

    private List<String> names(String query) {
        var response = http.get("/api/v1/evaluators" + query, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response)
                .get("items")
                .valueStream()
                .map(e -> e.get("name").asString())
                .toList();
    }
}
