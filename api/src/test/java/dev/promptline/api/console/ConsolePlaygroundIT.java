package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The editor and playground over real HTTP: saving an edit as a new version and the stale-base conflict in words, a
 * run streamed as htmx SSE events against a fake OpenAI server and recorded as an execution, its cancel, and what a
 * viewer, a forged form and bad input get.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ConsolePlaygroundIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final Pattern EVENTS = Pattern.compile("sse-connect=\"(/console/runs/[^\"]+/events)\"");
    private static final Map<String, String> HTMX = Map.of("HX-Request", "true");

    @DynamicPropertySource
    static void providerOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    private String owner;
    private String model;
    private String triage;
    private ConsoleClient browser;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " <b>billing</b>").inputTokens(1000));
        model = created(
                "/api/v1/models",
                "{\"provider\": \"custom\", \"name\": \"fake-gpt\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \""
                        + OPENAI.baseUrl() + "\", \"credential\": {\"apiKey\": \"sk-test\"},"
                        + " \"inputPricePerMillion\": 1.5, \"outputPricePerMillion\": 2}");
        triage = created(
                "/api/v1/prompts",
                "{\"name\": \"support-triage\", \"modelId\": \"" + model + "\", \"template\": {\"format\": \"chat\","
                        + " \"messages\": [{\"role\": \"system\", \"content\": \"You triage for {{product}}.\"},"
                        + " {\"role\": \"user\", \"content\": \"{{ticket}}\"}]}, \"parameters\": {\"temperature\": 0}}");
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("member").key());
    }

    @Test
    void theEditorSavesAnEditAsTheNextVersion() {
        String page = browser.get(playground()).body();
        assertThat(page)
                .contains("You triage for {{product}}.", "Save as version 2", "<label for=\"var-product\">")
                .contains("<label for=\"var-ticket\">");

        var saved = browser.post(triageUrl() + "/versions", edit(1, "Answer in one word."));

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        assertThat(saved.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith(playground() + "?saved=2"));
        assertThat(browser.get(playground() + "?saved=2").body())
                .contains("Saved as version 2.", "Answer in one word.", "Save as version 3");
        var version = Http.json(http.get(triageUrl().replace("/console", "/api/v1") + "/versions/2", owner));
        assertThat(version.get("commitMessage").asString()).isEqualTo("shorter answers");
        assertThat(version.get("parameters").get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(version.get("template").get("messages")).hasSize(3);
        assertThat(version.get("template").get("messages").get(2).get("content").asString())
                .isEqualTo("Answer in one word.");
    }

    @Test
    void anUnsavedEditIsShownAgainstItsBaseAndNothingIsSaved() {
        browser.get(playground());
        var fields = edit(1, "Answer in <one> word.");

        var preview = browser.post(triageUrl() + "/versions/preview", fields);

        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body())
                .contains("Your unsaved edit against version 1")
                .contains("<tr class=\"added\">")
                .contains("Answer in &lt;one&gt; word.")
                .contains("temperature: 0.3", "temperature: 0.0")
                .contains("name=\"baseVersion\" value=\"1\"");
        assertThat(versions()).isEqualTo(1);
        assertThat(browser.postRaw(triageUrl() + "/versions/preview", fields, Map.of())
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());
        assertThat(viewer.post(triageUrl() + "/versions/preview", fields).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aSaveOnAStaleBaseIsAConflictInWordsThatKeepsTheEdit() {
        browser.get(playground());
        browser.post(triageUrl() + "/versions", edit(1, "Someone else's change."));

        var stale = browser.post(triageUrl() + "/versions", edit(1, "My change."));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body())
                .contains("Someone saved version 2 while you edited version 1")
                .contains("My change.")
                .contains("/diff?from=1&amp;to=2")
                .contains("name=\"baseVersion\" value=\"2\"")
                .contains("Save as version 3");
        assertThat(versions()).isEqualTo(2);
    }

    @Test
    void badEditsAreRefusedInWordsAndNothingIsSaved() {
        var fields = edit(1, "x");
        fields.put("temperature", "hot");
        fields.put("maxTokens", "0");
        fields.put("role.0", "wizard");
        fields.put("modelId", "not-a-model");

        var refused = browser.post(triageUrl() + "/versions", fields);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body())
                .contains("The version was not saved")
                .contains("Temperature must be a number from 0 to 2.")
                .contains("Max tokens must be a whole number from 1 to 1,000,000.")
                .contains("Message 1: the role must be system, user or assistant.")
                .contains("is not one of the choices");
        var emptyChat = edit(1, "");
        emptyChat.put("content.0", " ");
        emptyChat.put("content.1", "");
        assertThat(browser.post(triageUrl() + "/versions", emptyChat).body())
                .contains("A chat template needs at least one message with some content.");
        var badTemplate = edit(1, "{{#unclosed}}");
        var unparsable = browser.post(triageUrl() + "/versions", badTemplate);
        assertThat(unparsable.statusCode()).isEqualTo(422);
        assertThat(unparsable.body()).contains("The version was not saved", "template");
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void aRunStreamsItsTokensAsEscapedHtmlAndIsRecordedAsAnExecution() {
        browser.get(playground());
        var panel = browser.post(triageUrl() + "/runs", run(Map.of()), HTMX);
        assertThat(panel.statusCode()).as(panel.body()).isEqualTo(200);
        String events = eventsUrl(panel.body());

        String stream = browser.get(events).body();

        assertThat(stream)
                .contains("event: started")
                .contains("event: token\ndata: Category\n\n")
                .contains("event: token\ndata:  &lt;b&gt;billing&lt;/b&gt;\n\n")
                .doesNotContain("<b>billing")
                .contains("event: done")
                .contains("Succeeded.")
                .contains("1,000 in · 3 out")
                .contains("Open the execution");
        var execution = jdbc.sql("SELECT status, output, created_by FROM executions WHERE prompt_id = ?")
                .param(UUID.fromString(triage))
                .query()
                .singleRow();
        assertThat(execution.get("status")).isEqualTo("succeeded");
        assertThat(execution.get("output")).isEqualTo("Category: <b>billing</b>");
        assertThat(execution.get("created_by")).isNotNull();
        assertThat(OPENAI.requests().getLast().body()).contains("You triage for Acme.", "charged twice");

        assertThat(browser.get(events).body())
                .as("a run streams once")
                .contains("This run expired or was already shown; nothing ran.");
    }

    @Test
    void aRunsFormIsCheckedBeforeAnythingRuns() {
        browser.get(playground());
        var fields = new LinkedHashMap<String, String>();
        fields.put("temperature", "3");
        fields.put("modelId", UUID.randomUUID().toString());

        var refused = browser.post(triageUrl() + "/runs", run(fields), HTMX);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body())
                .contains("The run did not start")
                .contains("Temperature must be a number from 0 to 2.")
                .contains("not registered in this organization or is disabled");
        http.patchJson("/api/v1/models/" + model, "{\"enabled\": false}", owner);
        var disabled = browser.post(triageUrl() + "/runs", run(Map.of()), HTMX);
        String stream = browser.get(eventsUrl(disabled.body())).body();
        assertThat(stream).contains("event: done").contains("disabled");
        assertThat(executions()).isZero();
    }

    @Test
    void aRunningExecutionIsCancelledFromItsStatusLine() {
        OPENAI.enqueue(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(30)));
        int requests = OPENAI.requestCount();
        browser.get(playground());
        String events = eventsUrl(
                browser.post(triageUrl() + "/runs", run(Map.of()), HTMX).body());
        var stream = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> browser.get(events).body());
        // Cancelled once the provider holds the request, so that the slow reply is the one this run takes.
        await().atMost(Duration.ofSeconds(10)).until(() -> OPENAI.requestCount() > requests);
        String id = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc.sql("SELECT id::text FROM executions WHERE prompt_id = ? AND status = 'running'")
                                .param(UUID.fromString(triage))
                                .query(String.class)
                                .optional()
                                .orElse(null),
                        found -> found != null);

        var cancel = browser.post("/console/executions/" + id + "/cancel", Map.of(), HTMX);

        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(cancel.body()).contains("Cancel requested");
        assertThat(stream.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join())
                .contains("event: started", "id=\"cancel-run\"", "event: done", "cancelled");
        var again = browser.post("/console/executions/" + id + "/cancel", Map.of(), HTMX);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already ended as cancelled");
    }

    @Test
    void aViewerReadsTheTemplateButCanNeitherSaveNorRun() {
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());

        String page = viewer.get(playground()).body();

        assertThat(page)
                .contains("You triage for {{product}}.", "can read this prompt but not edit or run it")
                .doesNotContain("editor-form", "run-form", "Save as version");
        var save = viewer.post(triageUrl() + "/versions", edit(1, "x"));
        assertThat(save.statusCode()).isEqualTo(403);
        assertThat(viewer.post(triageUrl() + "/runs", run(Map.of()), HTMX).statusCode())
                .isEqualTo(403);
        assertThat(viewer.get("/console/runs/anything/events").statusCode()).isEqualTo(403);
        assertThat(versions()).isEqualTo(1);
        assertThat(executions()).isZero();
    }

    @Test
    void aRunStreamWithoutASessionEndsWithAnEventSayingSoInsteadOfARedirect() {
        browser.get(playground());
        String events = eventsUrl(
                browser.post(triageUrl() + "/runs", run(Map.of()), HTMX).body());
        var signedOut = new ConsoleClient(port);

        var stream = signedOut.get(events, Map.of("Accept", "text/event-stream"));

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(stream.body()).startsWith("event: done\n").contains("Your session ended", "/console/sign-in");
        assertThat(signedOut.get(events).statusCode())
                .as("a page is redirected")
                .isEqualTo(302);
        assertThat(executions()).isZero();
    }

    @Test
    void formsWithoutTheirCsrfTokenChangeNothing() {
        browser.get(playground());
        var fields = edit(1, "forged");

        var forgedSave = browser.postRaw(triageUrl() + "/versions", fields, Map.of());
        var forgedRun = browser.postRaw(triageUrl() + "/runs", run(Map.of()), HTMX);
        var forgedCancel = browser.postRaw("/console/executions/" + UUID.randomUUID() + "/cancel", Map.of(), Map.of());

        assertThat(forgedSave.statusCode()).isEqualTo(403);
        assertThat(forgedSave.body()).contains("This form has expired");
        assertThat(forgedRun.statusCode()).isEqualTo(403);
        assertThat(forgedCancel.statusCode()).isEqualTo(403);
        assertThat(versions()).isEqualTo(1);
        assertThat(executions()).isZero();
    }

    @Test
    void unknownPromptsAndBadVersionsArePagesInWords() {
        var unknown = browser.get("/console/prompts/" + UUID.randomUUID() + "/playground");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No prompt");
        browser.get(playground());
        var fields = edit(1, "x");
        fields.put("baseVersion", "zero");
        var badBase = browser.post(triageUrl() + "/versions", fields);
        assertThat(badBase.statusCode()).isEqualTo(400);
        assertThat(badBase.body()).contains("baseVersion must be a version number");
        var cancelUnknown = browser.post("/console/executions/" + UUID.randomUUID() + "/cancel", Map.of());
        assertThat(cancelUnknown.statusCode()).isEqualTo(404);
        assertThat(cancelUnknown.body()).contains("No execution");
    }

    private LinkedHashMap<String, String> edit(int baseVersion, String thirdMessage) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("baseVersion", String.valueOf(baseVersion));
        fields.put("format", "chat");
        fields.put("role.0", "system");
        fields.put("content.0", "You triage for {{product}}.");
        fields.put("role.1", "user");
        fields.put("content.1", "{{ticket}}");
        fields.put("role.2", "system");
        fields.put("content.2", thirdMessage);
        fields.put("modelId", model);
        fields.put("temperature", "0.3");
        fields.put("topP", "");
        fields.put("maxTokens", "");
        fields.put("stop", "");
        fields.put("commitMessage", "shorter answers");
        return fields;
    }

    private LinkedHashMap<String, String> run(Map<String, String> overrides) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("version", "1");
        fields.put("var.product", "Acme");
        fields.put("var.ticket", "charged twice");
        fields.put("modelId", "");
        fields.putAll(overrides);
        return fields;
    }

    private static String eventsUrl(String panel) {
        var matcher = EVENTS.matcher(panel);
        assertThat(matcher.find()).as(panel).isTrue();
        return matcher.group(1);
    }

    private String triageUrl() {
        return "/console/prompts/" + triage;
    }

    private String playground() {
        return triageUrl() + "/playground";
    }

    private int versions() {
        return jdbc.sql("SELECT count(*) FROM prompt_versions WHERE prompt_id = ?")
                .param(UUID.fromString(triage))
                .query(Integer.class)
                .single();
    }

    private int executions() {
        return jdbc.sql("SELECT count(*) FROM executions WHERE prompt_id = ?")
                .param(UUID.fromString(triage))
                .query(Integer.class)
                .single();
    }

    private String created(String path, String json) {
        var response = http.postJson(path, json, owner);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }
}
