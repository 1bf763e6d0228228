package dev.promptline.api.datasets;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class DatasetsIT extends AuthenticatedApi {
    private static final String TICKETS = """
            {"name": "tickets", "description": "Support tickets",
             "items": [
                 {"input": {"ticket": "I was charged twice"}, "expectedOutput": "billing", "metadata": {"source": "prod", "priority": 2}},
                 {"input": {"ticket": "The app crashes"}, "expectedOutput": "bug"}]}
            """;

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
    }

    @Test
    void createsADatasetAtVersionOneWithItsItems() {
        var created = http.postJson("/api/v1/datasets", TICKETS, owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode dataset = Http.json(created);
        String id = dataset.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/datasets/" + id);
        assertThat(dataset.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(dataset.get("itemCount").asInt()).isEqualTo(2);
        assertThat(dataset.get("createdBy").asString())
                .isEqualTo(acme.owner().userId().toString());

        JsonNode version = Http.json(http.get("/api/v1/datasets/" + id + "/versions/1", owner));
        assertThat(version.get("changeNote").asString()).isEqualTo("created with 2 items");
        assertThat(version.get("itemCount").asInt()).isEqualTo(2);

        List<JsonNode> items = items(id, "1");
        assertThat(items).hasSize(2);
        assertThat(items.getFirst().get("input").get("ticket").asString()).isEqualTo("I was charged twice");
        assertThat(items.getFirst().get("expectedOutput").asString()).isEqualTo("billing");
        assertThat(items.getFirst().get("metadata").get("source").asString()).isEqualTo("prod");
        assertThat(items.getFirst().get("metadata").get("priority").asInt()).isEqualTo(2);
        assertThat(items.get(1).get("expectedOutput").asString()).isEqualTo("bug");
        assertThat(items.get(1).get("metadata").isEmpty()).isTrue();
    }

    @Test
    void everyChangeIsANewVersionAndOlderVersionsKeepTheirItems() {
        String id = create(TICKETS);
        var added = http.postJson(
                "/api/v1/datasets/" + id + "/items",
                "{\"baseVersion\": 1, \"items\": [{\"input\": {\"ticket\": \"c\"}}, {\"input\": {\"ticket\": \"d\"}}]}",
                owner);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.headers().firstValue("Location")).hasValue("/api/v1/datasets/" + id + "/versions/2");
        assertThat(Http.json(added).get("itemCount").asInt()).isEqualTo(4);
        assertThat(Http.json(added).get("changeNote").asString()).isEqualTo("added 2 items");

        String removed = items(id, "2").getFirst().get("id").asString();
        var removal = http.delete("/api/v1/datasets/" + id + "/items/" + removed + "?baseVersion=2", owner);
        assertThat(removal.statusCode()).as(removal.body()).isEqualTo(200);
        assertThat(Http.json(removal).get("version").asInt()).isEqualTo(3);
        assertThat(Http.json(removal).get("changeNote").asString()).isEqualTo("removed item " + removed);

        assertThat(tickets(id, "1")).containsExactly("I was charged twice", "The app crashes");
        assertThat(tickets(id, "2")).containsExactly("I was charged twice", "The app crashes", "c", "d");
        assertThat(tickets(id, "3")).containsExactly("The app crashes", "c", "d");
        assertThat(tickets(id, "latest")).containsExactly("The app crashes", "c", "d");
        JsonNode dataset = Http.json(http.get("/api/v1/datasets/" + id, owner));
        assertThat(dataset.get("latestVersion").asInt()).isEqualTo(3);
        assertThat(dataset.get("itemCount").asInt()).isEqualTo(3);
        JsonNode versions = Http.json(http.get("/api/v1/datasets/" + id + "/versions", owner));
        assertThat(versions.get("items").valueStream().map(v -> v.get("version").asInt()))
                .containsExactly(3, 2, 1);
        assertThat(versions.get("items")
                        .valueStream()
                        .map(v -> v.get("itemCount").asInt()))
                .containsExactly(3, 4, 2);

        assertProblem(
                http.delete("/api/v1/datasets/" + id + "/items/" + removed, owner),
                404,
                "RESOURCE_NOT_FOUND",
                "/api/v1/datasets/" + id + "/items/" + removed);
        assertThat(Http.json(http.get("/api/v1/datasets/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .as("a removal that finds nothing makes no version")
                .isEqualTo(3);
    }

    @Test
    void editingAnItemMakesANewVersionWhereItKeepsItsPlace() {
        String id = create(TICKETS);
        String first = items(id, "1").getFirst().get("id").asString();

        var edited = http.putJson(
                "/api/v1/datasets/%s/items/%s?baseVersion=1".formatted(id, first),
                "{\"input\": {\"ticket\": \"I was charged three times\"}, \"expectedOutput\": \"billing\","
                        + " \"metadata\": {\"source\": \"support\"}}",
                owner);

        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        JsonNode edit = Http.json(edited);
        assertThat(edit.get("version").get("version").asInt()).isEqualTo(2);
        assertThat(edit.get("version").get("itemCount").asInt()).isEqualTo(2);
        assertThat(edit.get("version").get("changeNote").asString()).isEqualTo("edited item " + first);
        String replacement = edit.get("item").get("id").asString();
        assertThat(replacement).as("an edited item is a new item").isNotEqualTo(first);
        assertThat(edit.get("item").get("addedInVersion").asInt()).isEqualTo(2);
        assertThat(tickets(id, "1")).containsExactly("I was charged twice", "The app crashes");
        assertThat(tickets(id, "2"))
                .as("in the place of the item it replaces")
                .containsExactly("I was charged three times", "The app crashes");
        JsonNode now = items(id, "2").getFirst();
        assertThat(now.get("id").asString()).isEqualTo(replacement);
        assertThat(now.get("metadata").get("source").asString()).isEqualTo("support");
        assertThat(now.get("metadata").has("priority"))
                .as("the content is replaced, not merged")
                .isFalse();
        assertThat(items(id, "1").getFirst().get("removedInVersion").asInt()).isEqualTo(2);

        String stalePath = "/api/v1/datasets/%s/items/%s?baseVersion=1".formatted(id, replacement);
        assertProblem(
                http.putJson(stalePath, "{\"input\": {\"ticket\": \"x\"}}", owner),
                409,
                "VERSION_CONFLICT",
                "/api/v1/datasets/%s/items/%s".formatted(id, replacement));
        String oldPath = "/api/v1/datasets/%s/items/%s".formatted(id, first);
        assertProblem(
                http.putJson(oldPath, "{\"input\": {\"ticket\": \"x\"}}", owner), 404, "RESOURCE_NOT_FOUND", oldPath);
        String badPath = "/api/v1/datasets/%s/items/%s".formatted(id, replacement);
        JsonNode bad = assertProblem(
                http.putJson(badPath, "{\"input\": {\"bad name\": \"x\"}}", owner), 400, "INVALID_REQUEST", badPath);
        assertThat(bad.get("errors").get(0).get("pointer").asString()).startsWith("#/input");
        assertThat(Http.json(http.get("/api/v1/datasets/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .as("refused edits make no version")
                .isEqualTo(2);
    }

    @Test
    void aStaleBaseVersionIsAConflictAndChangesNothing() {
        String id = create(TICKETS);
        String add = "{\"baseVersion\": 1, \"items\": [{\"input\": {\"ticket\": \"c\"}}]}";
        assertThat(http.postJson("/api/v1/datasets/" + id + "/items", add, owner)
                        .statusCode())
                .isEqualTo(201);

        assertProblem(
                http.postJson("/api/v1/datasets/" + id + "/items", add, owner),
                409,
                "VERSION_CONFLICT",
                "/api/v1/datasets/" + id + "/items");
        String item = items(id, "latest").getFirst().get("id").asString();
        assertProblem(
                http.delete("/api/v1/datasets/" + id + "/items/" + item + "?baseVersion=1", owner),
                409,
                "VERSION_CONFLICT",
                "/api/v1/datasets/" + id + "/items/" + item);
        assertThat(tickets(id, "latest")).hasSize(3);
        assertThat(Http.json(http.get("/api/v1/datasets/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void concurrentChangesOnTheSameBaseMakeOneVersion() throws Exception {
        String id = create(TICKETS);
        String add = "{\"baseVersion\": 1, \"items\": [{\"input\": {\"ticket\": \"c\"}}]}";
        List<CompletableFuture<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            attempts.add(
                    CompletableFuture.supplyAsync(() -> http.postJson("/api/v1/datasets/" + id + "/items", add, owner)
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
        assertThat(tickets(id, "latest")).hasSize(3);
    }

    @Test
    void itemsPageInTheOrderTheyWereAdded() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            items.append(i == 0 ? "" : ",").append("{\"input\": {\"n\": \"%d\"}}".formatted(i));
        }
        String id = create("{\"name\": \"numbers\", \"items\": [%s]}".formatted(items));

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = Http.json(http.get(
                    "/api/v1/datasets/%s/versions/1/items?pageSize=2%s"
                            .formatted(id, token == null ? "" : "&pageToken=" + token),
                    owner));
            page.get("items")
                    .forEach(item -> seen.add(item.get("input").get("n").asString()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
            pages++;
        } while (token != null);

        assertThat(seen).containsExactly("0", "1", "2", "3", "4");
        assertThat(pages).isEqualTo(3);
        assertThat(http.get("/api/v1/datasets/" + id + "/versions/1/items?pageToken=nope", owner)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void badItemsAreAProblemNamingTheFieldAndChangeNothing() {
        String id = create(TICKETS);
        String base = "/api/v1/datasets/" + id + "/items";

        var nullVariable = http.postJson(
                base,
                "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"x\"}}, {\"input\": {\"ticket\": null}}]}",
                owner);
        JsonNode problem = assertProblem(nullVariable, 400, "INVALID_REQUEST", base);
        assertThat(problem.get("errors").get(0).get("pointer").asString()).isEqualTo("#/items/1/input/ticket");

        var nestedMetadata = http.postJson(
                base, "{\"baseVersion\": 1, \"items\": [{\"input\": {}, \"metadata\": {\"a\": {\"b\": 1}}}]}", owner);
        assertThat(Http.json(nestedMetadata).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/items/0/metadata/a");

        String[] bodies = {
            "{\"baseVersion\": 1, \"items\": []}",
            "{\"baseVersion\": 1}",
            "{\"items\": [{\"input\": {}}]}",
            "{\"baseVersion\": 1, \"items\": [{}]}",
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"not a name\": \"x\"}}]}",
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"x\"}, \"extra\": 1}]}",
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"x\"}, \"expectedOutput\": \"%s\"}]}"
                    .formatted("x".repeat(100_001)),
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"x\"}, \"metadata\": {\"k\": [1]}}]}",
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"\\u0000\"}}]}",
            "{\"baseVersion\": 1, \"items\": [{\"input\": {\"a\": \"x\"}, \"metadata\": {\"k\": \"\\u0000\"}}]}",
        };
        for (String body : bodies) {
            var response = http.postJson(base, body, owner);
            assertThat(response.statusCode())
                    .as(body.substring(0, Math.min(body.length(), 200)) + " -> " + response.body())
                    .isEqualTo(400);
        }
        String[] creates = {
            "{\"name\": \"\"}",
            "{\"name\": \"a/b\"}",
            "{\"name\": \"x\", \"items\": [{\"input\": {\"a\": 1.5, \"b\": null}}]}",
            "{\"name\": \"x\", \"items\": [{\"input\": {\"a\": \"x\"}, \"metadata\": {\"k\": null}}]}",
        };
        for (String body : creates) {
            var response = http.postJson("/api/v1/datasets", body, owner);
            assertThat(response.statusCode())
                    .as(body + " -> " + response.body())
                    .isEqualTo(400);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM datasets WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        assertThat(tickets(id, "latest")).hasSize(2);
        assertThat(Http.json(http.get("/api/v1/datasets/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void removingAnItemAnEmptyDatasetDoesNotHoldIsNotFound() {
        String id = create("{\"name\": \"empty\"}");
        String path = "/api/v1/datasets/%s/items/%s".formatted(id, UUID.randomUUID());

        assertProblem(http.delete(path, owner), 404, "RESOURCE_NOT_FOUND", path);
        assertThat(Http.json(http.get("/api/v1/datasets/" + id, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void namesAreUniquePerOrganization() {
        create(TICKETS);
        assertProblem(http.postJson("/api/v1/datasets", TICKETS, owner), 409, "DATASET_NAME_TAKEN", "/api/v1/datasets");
        var other = tenants.create("other");
        assertThat(http.postJson("/api/v1/datasets", TICKETS, other.owner().bearer())
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void listsFilterByNamePrefixAndPage() {
        create("{\"name\": \"tickets-2026\"}");
        create("{\"name\": \"tickets_old\"}");
        create("{\"name\": \"emails\"}");

        assertThat(names("?name=tickets")).containsExactly("tickets-2026", "tickets_old");
        assertThat(names("?name=tickets_")).containsExactly("tickets_old");
        assertThat(names("")).containsExactly("tickets-2026", "tickets_old", "emails");
        JsonNode first = Http.json(http.get("/api/v1/datasets?pageSize=2", owner));
        JsonNode second = Http.json(http.get(
                "/api/v1/datasets?pageSize=2&pageToken="
                        + first.get("nextPageToken").asString(),
                owner));
        assertThat(second.get("items").valueStream().map(d -> d.get("name").asString()))
                .containsExactly("emails");
    }

    @Test
    void deletingADatasetDeletesItsVersionsAndItems() {
        String id = create(TICKETS);

        var deleted = http.delete("/api/v1/datasets/" + id, owner);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertProblem(http.get("/api/v1/datasets/" + id, owner), 404, "RESOURCE_NOT_FOUND", "/api/v1/datasets/" + id);
        for (String table : List.of("dataset_versions", "dataset_items")) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE dataset_id = ?")
                            .param(UUID.fromString(id))
                            .query(Integer.class)
                            .single())
                    .as(table)
                    .isZero();
        }
        assertProblem(
                http.delete("/api/v1/datasets/" + id, owner), 404, "RESOURCE_NOT_FOUND", "/api/v1/datasets/" + id);
    }

    @Test
    void anotherOrganizationsDatasetDoesNotExist() {
        var other = tenants.create("other");
        String id = Http.json(
                        http.postJson("/api/v1/datasets", TICKETS, other.owner().bearer()))
                .get("id")
                .asString();
        String item = Http.json(http.get(
                        "/api/v1/datasets/" + id + "/versions/1/items",
                        other.owner().bearer()))
                .get("items")
                .get(0)
                .get("id")
                .asString();
        String base = "/api/v1/datasets/" + id;

        assertProblem(http.get(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertProblem(http.get(base + "/versions", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions");
        assertProblem(http.get(base + "/versions/1", owner), 404, "RESOURCE_NOT_FOUND", base + "/versions/1");
        assertProblem(
                http.get(base + "/versions/latest/items", owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/versions/latest/items");
        assertProblem(
                http.postJson(base + "/items", "{\"baseVersion\": 1, \"items\": [{\"input\": {}}]}", owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/items");
        assertProblem(
                http.postJson(
                        base + "/items/from-executions",
                        "{\"baseVersion\": 1, \"executionIds\": [\"%s\"]}".formatted(UUID.randomUUID()),
                        owner),
                404,
                "RESOURCE_NOT_FOUND",
                base + "/items/from-executions");
        assertProblem(http.delete(base + "/items/" + item, owner), 404, "RESOURCE_NOT_FOUND", base + "/items/" + item);
        assertProblem(http.delete(base, owner), 404, "RESOURCE_NOT_FOUND", base);
        assertThat(names("")).isEmpty();
        assertThat(Http.json(http.get(base, other.owner().bearer()))
                        .get("itemCount")
                        .asInt())
                .isEqualTo(2);
    }

    @ParameterizedTest(name = "a {0} writing datasets: {1}")
    @CsvSource({"owner, true", "admin, true", "member, true", "viewer, false"})
    void everyRoleReadsAndOnlyMembersAndAboveWrite(String role, boolean writes) {
        String id = create(TICKETS);
        Tenants.Member caller = acme.member(role);
        String base = "/api/v1/datasets/" + id;

        for (String path : List.of(
                "/api/v1/datasets", base, base + "/versions", base + "/versions/1", base + "/versions/1/items")) {
            assertThat(http.get(path, caller.bearer()).statusCode()).as(path).isEqualTo(200);
        }
        var created = http.postJson("/api/v1/datasets", "{\"name\": \"by-" + role + "\"}", caller.bearer());
        var added = http.postJson(
                base + "/items",
                "{\"baseVersion\": 1, \"items\": [{\"input\": {\"ticket\": \"x\"}}]}",
                caller.bearer());
        String item = items(id, "latest").getFirst().get("id").asString();
        var edited = http.putJson(base + "/items/" + item, "{\"input\": {\"ticket\": \"y\"}}", caller.bearer());
        if (writes) {
            assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
            item = items(id, "latest").getFirst().get("id").asString();
        } else {
            assertProblem(edited, 403, "FORBIDDEN", base + "/items/" + item);
        }
        var removed = http.delete(base + "/items/" + item, caller.bearer());
        if (writes) {
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
            assertThat(http.delete(base, caller.bearer()).statusCode()).isEqualTo(204);
        } else {
            assertProblem(created, 403, "FORBIDDEN", "/api/v1/datasets");
            assertProblem(added, 403, "FORBIDDEN", base + "/items");
            assertProblem(removed, 403, "FORBIDDEN", base + "/items/" + item);
            assertProblem(http.delete(base, caller.bearer()), 403, "FORBIDDEN", base);
            assertThat(Http.json(http.get(base, owner)).get("latestVersion").asInt())
                    .isEqualTo(1);
        }
    }

    private String create(String body) {
        var response = http.postJson("/api/v1/datasets", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private List<JsonNode> items(String id, String version) {
        var response = http.get("/api/v1/datasets/%s/versions/%s/items".formatted(id, version), owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("items").valueStream().toList();
    }

    private List<String> tickets(String id, String version) {
        return items(id, version).stream()
                .map(item -> item.get("input").get("ticket").asString())
                .toList();
    }

    private List<String> names(String query) {
        var response = http.get("/api/v1/datasets" + query, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response)
                .get("items")
                .valueStream()
                .map(d -> d.get("name").asString())
                .toList();
    }
}
