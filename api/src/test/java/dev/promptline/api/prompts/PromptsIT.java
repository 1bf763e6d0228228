package dev.promptline.api.prompts;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PromptsIT extends AuthenticatedApi {
    private static final String TRIAGE = """
            {"name": "support-triage", "description": "Triage tickets", "tags": ["support", "triage"],
             "template": {"format": "chat", "messages": [
                 {"role": "system", "content": "You triage tickets for {{product}}."},
                 {"role": "user", "content": "{{ticket}}"}]},
             "parameters": {"temperature": 0}, "commitMessage": "first"}
            """;

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
    }

    @Test
    void createsAPromptAtVersionOneWithItsVariables() {
        var created = http.postJson("/api/v1/prompts", TRIAGE, owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode prompt = Http.json(created);
        assertThat(prompt.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(prompt.get("version").get("version").asInt()).isEqualTo(1);
        assertThat(prompt.get("version").get("variables").valueStream().map(JsonNode::asString))
                .containsExactly("product", "ticket");
        assertThat(prompt.get("version").get("createdBy").asString())
                .isEqualTo(acme.owner().userId().toString());
        assertThat(created.headers().firstValue("Location"))
                .hasValue("/api/v1/prompts/" + prompt.get("id").asString());
    }

    @Test
    void versionsAreImmutableAndNumberedAndAStaleBaseIsAConflict() {
        String id = create(TRIAGE);
        String v2 = """
                {"baseVersion": 1, "template": {"format": "text", "text": "Triage {{ticket}}"}, "commitMessage": "simpler"}
                """;
        var second = http.postJson("/api/v1/prompts/" + id + "/versions", v2, owner);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(Http.json(second).get("version").asInt()).isEqualTo(2);

        assertProblem(
                http.postJson("/api/v1/prompts/" + id + "/versions", v2, owner),
                409,
                "VERSION_CONFLICT",
                "/api/v1/prompts/" + id + "/versions");

        JsonNode first = Http.json(http.get("/api/v1/prompts/" + id + "/versions/1", owner));
        assertThat(first.get("template").get("format").asString()).isEqualTo("chat");
        assertThat(Http.json(http.get("/api/v1/prompts/" + id, owner))
                        .get("version")
                        .get("version")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void concurrentEditsOnTheSameBaseProduceOneVersion() throws Exception {
        String id = create(TRIAGE);
        String v2 = "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"{{ticket}}\"}}";
        List<CompletableFuture<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            attempts.add(
                    CompletableFuture.supplyAsync(() -> http.postJson("/api/v1/prompts/" + id + "/versions", v2, owner)
                            .statusCode()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var attempt : attempts) {
            statuses.add(attempt.get());
        }

        assertThat(statuses)
                .containsOnly(201, 409)
                .filteredOn(status -> status == 201)
                .hasSize(1);
        assertThat(Http.json(http.get("/api/v1/prompts/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void labelsPromoteAndRollBack() {
        String id = create(TRIAGE);
        http.postJson(
                "/api/v1/prompts/" + id + "/versions",
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"v2 {{ticket}}\"}}",
                owner);

        assertThat(put(id, "production", 2).statusCode()).isEqualTo(200);
        assertThat(versionAt("/api/v1/prompts/" + id + "?label=production")).isEqualTo(2);
        assertThat(versionAt("/api/v1/prompts/by-name/support-triage?label=production"))
                .isEqualTo(2);

        put(id, "production", 1);
        assertThat(versionAt("/api/v1/prompts/" + id + "?label=production")).isEqualTo(1);
        assertThat(Http.json(http.get("/api/v1/prompts/" + id, owner))
                        .get("labels")
                        .get("production")
                        .asInt())
                .isEqualTo(1);

        assertThat(put(id, "production", 9).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/prompts/" + id + "?label=staging", owner).statusCode())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/prompts/" + id + "/labels/production", owner)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/prompts/" + id + "?label=production", owner)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void everyLabelMoveIsKeptNewestFirstWithWhoMovedIt() {
        String id = create(TRIAGE);
        http.postJson(
                "/api/v1/prompts/" + id + "/versions",
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"v2 {{ticket}}\"}}",
                owner);
        put(id, "production", 1);
        put(id, "production", 2);
        put(id, "production", 2); // no move: already there
        put(id, "production", 9); // refused: no such version
        http.delete("/api/v1/prompts/" + id + "/labels/production", owner);
        put(id, "staging", 1);

        String moves = "/api/v1/prompts/" + id + "/labels/production/moves";
        JsonNode page =
                Http.json(http.get(moves + "?pageSize=2", acme.member("viewer").bearer()));
        JsonNode items = page.get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("fromVersion").asInt()).isEqualTo(2);
        assertThat(items.get(0).has("toVersion")).as("removed").isFalse();
        assertThat(items.get(1).get("fromVersion").asInt()).isEqualTo(1);
        assertThat(items.get(1).get("toVersion").asInt()).isEqualTo(2);
        assertThat(items.get(1).get("movedBy").asString())
                .isEqualTo(acme.owner().userId().toString());
        assertThat(items.get(1).has("gate")).as("no policy").isFalse();
        JsonNode rest = Http.json(http.get(
                moves + "?pageSize=2&pageToken=" + page.get("nextPageToken").asString(), owner));
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.get("items").get(0).has("fromVersion")).as("new label").isFalse();
        assertThat(rest.get("items").get(0).get("toVersion").asInt()).isEqualTo(1);
        assertThat(rest.has("nextPageToken")).isFalse();
        assertThat(Http.json(http.get("/api/v1/prompts/" + id + "/labels/staging/moves", owner))
                        .get("items"))
                .hasSize(1);
        assertProblem(http.get(moves, tenants.create("globex").owner().bearer()), 404, "RESOURCE_NOT_FOUND", moves);
    }

    @Test
    void rendersWithoutCallingAModelAndNamesMissingVariables() {
        String id = create(TRIAGE);

        var rendered = http.postJson(
                "/api/v1/prompts/" + id + "/render",
                "{\"variables\": {\"product\": \"Promptline\", \"ticket\": \"I was charged twice\"}}",
                owner);
        assertThat(rendered.statusCode()).as(rendered.body()).isEqualTo(200);
        JsonNode messages = Http.json(rendered).get("messages");
        assertThat(messages.get(0).get("content").asString()).isEqualTo("You triage tickets for Promptline.");
        assertThat(messages.get(1).get("content").asString()).isEqualTo("I was charged twice");

        var missing = http.postJson("/api/v1/prompts/" + id + "/render", "{\"variables\": {\"ticket\": \"x\"}}", owner);
        JsonNode problem = assertProblem(missing, 400, "INVALID_REQUEST", "/api/v1/prompts/" + id + "/render");
        assertThat(problem.get("errors").get(0).get("detail").asString()).isEqualTo("missing: product");
    }

    @Test
    void listsFilterByNameTagAndLabelAndTreatMetacharactersAsText() {
        create(TRIAGE);
        create(TRIAGE.replace("support-triage", "summarize").replace("\"support\", \"triage\"", "\"writing\""));
        create(TRIAGE.replace("support-triage", "100%_off").replace("\"support\", \"triage\"", "\"sales\""));

        assertThat(names("?name=supp")).containsExactly("support-triage");
        assertThat(names("?tag=writing")).containsExactly("summarize");
        assertThat(names("?name=" + URLEncoder.encode("100%", StandardCharsets.UTF_8)))
                .containsExactly("100%_off");
        assertThat(names("?name=" + URLEncoder.encode("%", StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(names("?name=" + URLEncoder.encode("'; DROP TABLE prompts; --", StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(names("?label=production")).isEmpty();
        assertThat(names("")).hasSize(3);
        assertThat(names("?pageSize=2")).hasSize(2);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        String[] bodies = {
            "{\"name\": \"x\", \"template\": {\"format\": \"text\"}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"html\", \"text\": \"x\"}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"chat\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"{{#open}}\"}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"{{a.b}}\"}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"x\"}, \"modelId\": \"not-a-uuid\"}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"x\"}, \"modelId\": \"00000000-0000-0000-0000-000000000000\"}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"x\"}, \"parameters\": {\"temperature\": 9}}",
            "{\"name\": \"\", \"template\": {\"format\": \"text\", \"text\": \"x\"}}",
            "{\"name\": \"a/b\", \"template\": {\"format\": \"text\", \"text\": \"x\"}}",
            "{\"name\": \"x\", \"template\": {\"format\": \"text\", \"text\": \"x\"}, \"extra\": 1}",
        };
        for (String body : bodies) {
            var response = http.postJson("/api/v1/prompts", body, owner);
            assertThat(response.statusCode())
                    .as(body + " -> " + response.body())
                    .isEqualTo(400);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM prompts WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void namesAreUniquePerOrganization() {
        create(TRIAGE);
        assertProblem(http.postJson("/api/v1/prompts", TRIAGE, owner), 409, "PROMPT_NAME_TAKEN", "/api/v1/prompts");
        var other = new Tenants(jdbc).create("other");
        assertThat(http.postJson("/api/v1/prompts", TRIAGE, other.owner().bearer())
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void aVersionCanRunWithARegisteredModelOnly() {
        String model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}",
                        owner))
                .get("id")
                .asString();
        var created = http.postJson(
                "/api/v1/prompts",
                TRIAGE.replace("\"parameters\"", "\"modelId\": \"" + model + "\", \"parameters\""),
                owner);
        assertThat(Http.json(created).get("version").get("modelId").asString()).isEqualTo(model);

        var other = new Tenants(jdbc).create("other");
        var foreign = http.postJson(
                "/api/v1/prompts",
                TRIAGE.replace("\"parameters\"", "\"modelId\": \"" + model + "\", \"parameters\""),
                other.owner().bearer());
        assertThat(foreign.statusCode()).isEqualTo(400);
    }

    @Test
    void anotherOrganizationsPromptsDoNotExist() {
        var other = new Tenants(jdbc).create("other");
        String id = Http.json(
                        http.postJson("/api/v1/prompts", TRIAGE, other.owner().bearer()))
                .get("id")
                .asString();
        String base = "/api/v1/prompts/" + id;

        assertProblem(http.get(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertProblem(
                http.get("/api/v1/prompts/by-name/support-triage", owner),
                404,
                "RESOURCE_NOT_FOUND",
                "/api/v1/prompts/by-name/support-triage");
        assertProblem(http.get(base + "/versions", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions");
        assertProblem(http.get(base + "/versions/1", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions/1");
        assertProblem(
                http.postJson(
                        base + "/versions",
                        "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"x\"}}",
                        owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/versions");
        assertProblem(http.patchJson(base, "{\"description\": \"mine\"}", owner), 404, "RESOURCE_NOT_FOUND", base);
        assertProblem(put(id, "production", 1), 404, "RESOURCE_NOT_FOUND", base + "/labels/production");
        assertProblem(
                http.postJson(base + "/render", "{\"variables\": {}}", owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/render");
        assertProblem(http.delete(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertThat(Http.json(http.get(base, other.owner().bearer()))
                        .get("description")
                        .asString())
                .isEqualTo("Triage tickets");
    }

    @Test
    void viewersReadButCannotWrite() {
        String id = create(TRIAGE);
        var viewer = acme.member("viewer");

        assertThat(http.get("/api/v1/prompts/" + id, viewer.bearer()).statusCode())
                .isEqualTo(200);
        assertThat(http.postJson("/api/v1/prompts", TRIAGE.replace("support-triage", "v"), viewer.bearer())
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void versionsPageNewestFirst() {
        String id = create(TRIAGE);
        for (int base = 1; base <= 4; base++) {
            http.postJson(
                    "/api/v1/prompts/" + id + "/versions",
                    "{\"baseVersion\": %d, \"template\": {\"format\": \"text\", \"text\": \"v{{n}}\"}}".formatted(base),
                    owner);
        }
        JsonNode first = Http.json(http.get("/api/v1/prompts/" + id + "/versions?pageSize=2", owner));
        JsonNode second = Http.json(http.get(
                "/api/v1/prompts/" + id + "/versions?pageSize=2&pageToken="
                        + first.get("nextPageToken").asString(),
                owner));

        assertThat(first.get("items").valueStream().map(v -> v.get("version").asInt()))
                .containsExactly(5, 4);
        assertThat(second.get("items").valueStream().map(v -> v.get("version").asInt()))
                .containsExactly(3, 2);
    }

    private String create(String body) {
        var response = http.postJson("/api/v1/prompts", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private HttpResponse<String> put(String id, String label, int version) {
        return http.putJson("/api/v1/prompts/" + id + "/labels/" + label, "{\"version\": " + version + "}", owner);
    }

    private int versionAt(String path) {
        return Http.json(http.get(path, owner)).get("version").get("version").asInt();
    }

    private List<String> names(String query) {
        var response = http.get("/api/v1/prompts" + query, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response)
                .get("items")
                .valueStream()
                .map(p -> p.get("name").asString())
                .toList();
    }
}
