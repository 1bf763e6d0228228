package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prompt pages over real HTTP: what a signed-in member reads on them, and a label move with its confirmation. */
class ConsolePromptPagesIT extends AuthenticatedApi {
    private static final String TRIAGE = """
            {"name": "support-triage", "description": "Sorts tickets", "tags": ["support"],
             "template": {"format": "text", "text": "Triage {{ticket}}"}, "commitMessage": "first"}
            """;
    private static final String TRIAGE_V2 = """
            {"baseVersion": 1, "template": {"format": "text", "text": "Triage {{ticket}}\\nOne word only."},
             "parameters": {"temperature": 0.5}, "commitMessage": "one word <b>only</b>"}
            """;
    private static final String SUMMARY = """
            {"name": "billing-summary", "tags": ["billing"],
             "template": {"format": "text", "text": "Summarise {{invoice}}"}, "commitMessage": "first"}
            """;

    private String owner;
    private String triage;
    private ConsoleClient browser;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        triage = Http.json(http.postJson("/api/v1/prompts", TRIAGE, owner))
                .get("id")
                .asString();
        assertThat(http.postJson("/api/v1/prompts/" + triage + "/versions", TRIAGE_V2, owner)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.postJson("/api/v1/prompts", SUMMARY, owner).statusCode())
                .isEqualTo(201);
        jdbc.sql("UPDATE users SET name = 'Ada Lovelace' WHERE id = ?")
                .param(acme.owner().userId())
                .update();
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("member").key());
    }

    @Test
    void aMemberCreatesAPromptWithItsFirstVersionAndLandsInItsEditor() {
        browser.get("/console/prompts/new");
        var created = browser.post(
                "/console/prompts",
                Map.of(
                        "name", "release-notes",
                        "description", "Notes for a release",
                        "tags", "docs, release, docs",
                        "format", "chat",
                        "system", "You write short release notes.",
                        "user", "Changes: {{changes}}",
                        "commitMessage", "first draft"));

        assertThat(created.statusCode()).isEqualTo(302);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches(".*/console/prompts/[0-9a-f-]{36}/playground\\?saved=1");
        String id = location.replaceAll(".*/console/prompts/([0-9a-f-]{36})/.*", "$1");
        var prompt = Http.json(http.get("/api/v1/prompts/" + id, owner));
        assertThat(prompt.get("name").asString()).isEqualTo("release-notes");
        assertThat(prompt.get("tags").valueStream().map(tag -> tag.asString()).toList())
                .containsExactly("docs", "release");
        assertThat(prompt.get("version")
                        .get("template")
                        .get("messages")
                        .get(1)
                        .get("content")
                        .asString())
                .isEqualTo("Changes: {{changes}}");
        assertThat(browser.get(location.replaceAll("^https?://[^/]+", "")).body())
                .contains("Saved as version 1.");
    }

    @Test
    void aNewPromptThatCannotBeCreatedComesBackFilledInWithWhyAndNothingIsCreated() {
        browser.get("/console/prompts/new");
        var empty = browser.post("/console/prompts", Map.of("name", "", "format", "text", "text", ""));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.body()).contains("Give the prompt a name.", "Write the template's text.");

        var taken = browser.post(
                "/console/prompts", Map.of("name", "support-triage", "format", "text", "text", "Kept {{ticket}}"));
        assertThat(taken.statusCode()).isEqualTo(422);
        assertThat(taken.body()).contains("id=\"new-prompt-errors\"", "Kept {{ticket}}");
        assertThat(jdbc.sql("SELECT count(*) FROM prompts WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);

        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());
        assertThat(viewer.get("/console/prompts").body()).doesNotContain("id=\"new-prompt\"");
        assertThat(viewer.get("/console/prompts/new").statusCode()).isEqualTo(403);
        assertThat(viewer.post("/console/prompts", Map.of("name", "x", "format", "text", "text", "y"))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void aLabelsTrafficSplitIsShownAndTheMoveSaysItEndsTheSplit() {
        String label = "/api/v1/prompts/" + triage + "/labels/production";
        assertThat(http.putJson(label, "{\"version\": 1}", owner).statusCode()).isEqualTo(200);
        var split = http.putJson(
                label + "/split",
                "{\"arms\": [{\"version\": 1, \"weight\": 90}, {\"version\": 2, \"weight\": 10}]}",
                owner);
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);

        assertThat(browser.get("/console/prompts/" + triage).body())
                .contains("Traffic split: version 1 90%, version 2 10%")
                .contains("split between version 1 (weight 90), version 2 (weight 10)");
        assertThat(browser.get("/console/prompts/" + triage + "/labels/move?label=production&version=2")
                        .body())
                .contains("id=\"move-ends-split\"")
                .contains("moving it ends the split, and every caller of");
    }

    @Test
    void theListSearchesByNameAndFiltersByTagAndSaysWhenNothingMatches() {
        assertThat(browser.get("/console/prompts").body()).contains("support-triage", "billing-summary");

        String byName = browser.get("/console/prompts?name=supp").body();
        assertThat(byName).contains("support-triage").doesNotContain("billing-summary");
        String byTag = browser.get("/console/prompts?tag=billing").body();
        assertThat(byTag).contains("billing-summary").doesNotContain("support-triage");
        var htmx = browser.get("/console/prompts?name=bill", Map.of("HX-Request", "true"));
        assertThat(htmx.body())
                .as("htmx gets the results only")
                .contains("billing-summary")
                .doesNotContain("<html");
        assertThat(browser.get("/console/prompts?name=nothing-like-this").body())
                .contains("No prompt matches this search");
    }

    @Test
    void anEmptyOrganizationSaysHowToStart() {
        var stranger = new ConsoleClient(port);
        stranger.signIn(tenants.create("empty").owner().key());

        assertThat(stranger.get("/console/prompts").body()).contains("No prompts yet");
    }

    @Test
    void aPromptsPageListsItsVersionsWithWhoMadeThemAndItsLabels() {
        http.putJson("/api/v1/prompts/" + triage + "/labels/production", "{\"version\": 1}", owner);

        String page = browser.get("/console/prompts/" + triage).body();

        assertThat(page)
                .contains("v1", "v2", "first", "Ada Lovelace", "production", "version 1")
                .as("text is escaped, never markup")
                .contains("one word &lt;b&gt;only&lt;/b&gt;")
                .doesNotContain("<b>only</b>");
    }

    @Test
    void theDiffShowsChangedTemplateLinesAndParameters() {
        String diff =
                browser.get("/console/prompts/" + triage + "/diff?from=1&to=2").body();

        assertThat(diff)
                .contains("<tr class=\"added\">")
                .contains("One word only.")
                .contains("temperature: 0.5")
                .contains("temperature: (default)");
        assertThat(browser.get("/console/prompts/" + triage + "/diff?from=1&to=1")
                        .body())
                .contains("Template: no differences.");
        var missing = browser.get("/console/prompts/" + triage + "/diff?from=1&to=9");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("The prompt has no version 9.");
    }

    @Test
    void aLabelMovesOnlyAfterItsConfirmationWhichShowsTheDiff() {
        http.putJson("/api/v1/prompts/" + triage + "/labels/production", "{\"version\": 2}", owner);

        var confirm = browser.get("/console/prompts/" + triage + "/labels/move?label=production&version=1");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body())
                .contains("Roll back", "from version 2 to version 1", "One word only.", "<tr class=\"removed\">");
        assertThat(productionVersion()).as("nothing moved yet").isEqualTo(2);

        var moved = browser.post(
                "/console/prompts/" + triage + "/labels/move", Map.of("label", "production", "version", "1"));

        assertThat(moved.statusCode()).isEqualTo(302);
        assertThat(productionVersion()).isEqualTo(1);
        URI location = URI.create(moved.headers().firstValue("Location").orElseThrow());
        String page = browser.get(location.getRawPath() + "?" + location.getRawQuery())
                .body();
        assertThat(page).containsPattern("The label ('|&#39;)production('|&#39;) now points at version 1.");
        assertThat(jdbc.sql("SELECT count(*) FROM prompt_label_moves WHERE prompt_id = ?")
                        .param(UUID.fromString(triage))
                        .query(Integer.class)
                        .single())
                .as("kept in the label's history like an API move")
                .isEqualTo(2);
    }

    @Test
    void aMoveThatTheLabelsPolicyRefusesStaysPutAndSaysWhyInWords() {
        String dataset = created(
                "/api/v1/datasets",
                "{\"name\": \"d\", \"items\": [{\"input\": {\"ticket\": \"x\"}, \"expectedOutput\": \"x\"}]}");
        String evaluator =
                created("/api/v1/evaluators", "{\"name\": \"exact\", \"type\": \"exact_match\", \"config\": {}}");
        String benchmark = created(
                "/api/v1/benchmarks",
                "{\"name\": \"b\", \"datasetId\": \"%s\", \"datasetVersion\": 1, \"metrics\": [{\"evaluatorId\": \"%s\", \"direction\": \"higher\"}]}"
                        .formatted(dataset, evaluator));
        var policy = http.putJson(
                "/api/v1/prompts/" + triage + "/labels/production/policy",
                "{\"benchmarkId\": \"%s\", \"evaluatorId\": \"%s\", \"threshold\": 0.9}"
                        .formatted(benchmark, evaluator),
                owner);
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
        browser.get("/console/prompts/" + triage + "/labels/move?label=production&version=2");

        var refused = browser.post(
                "/console/prompts/" + triage + "/labels/move", Map.of("label", "production", "version", "2"));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body())
                .contains("The label did not move")
                .containsPattern("The label ('|&#39;)production('|&#39;) cannot move to version 2:");
        assertThat(jdbc.sql("SELECT count(*) FROM prompt_labels WHERE prompt_id = ?")
                        .param(UUID.fromString(triage))
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void aBadLabelOrAnUnknownPromptIsRefusedInWords() {
        var badLabel = browser.get("/console/prompts/" + triage + "/labels/move?label=Prod%20uction&version=1");
        assertThat(badLabel.statusCode()).isEqualTo(400);
        assertThat(badLabel.body()).contains("A label is 1 to 100 lower-case letters");

        var unknown = browser.get("/console/prompts/" + UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No prompt");
        var notAnId = browser.get("/console/prompts/not-an-id");
        assertThat(notAnId.statusCode()).isEqualTo(404);
        assertThat(notAnId.body()).contains("is not a valid promptId");
    }

    private String created(String path, String json) {
        var response = http.postJson(path, json, owner);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private int productionVersion() {
        return jdbc.sql("""
                        SELECT v.version FROM prompt_labels l JOIN prompt_versions v ON v.id = l.prompt_version_id
                         WHERE l.prompt_id = ? AND l.name = 'production'
                        """).param(UUID.fromString(triage)).query(Integer.class).single();
    }
}
