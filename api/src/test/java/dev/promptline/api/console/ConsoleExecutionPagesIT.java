package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The execution pages over real HTTP: the list's filters and keyset pages, one execution with what it sent and got,
 * its cancel, and bad filters, unknown ids and roles.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ConsoleExecutionPagesIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final Pattern OLDER = Pattern.compile("href=\"(/console/executions\\?[^\"]*pageToken=[^\"]+)\"");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    @DynamicPropertySource
    static void providerOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.retry-initial-backoff", () -> "1ms");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    private String owner;
    private String echo;
    private String fake;
    private String triage;
    private String summary;
    private ConsoleClient browser;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing").inputTokens(1000));
        echo = created("/api/v1/models", "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");
        fake = created(
                "/api/v1/models",
                "{\"provider\": \"custom\", \"name\": \"fake-gpt\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \""
                        + OPENAI.baseUrl() + "\", \"credential\": {\"apiKey\": \"sk-test\"},"
                        + " \"inputPricePerMillion\": 1.5, \"outputPricePerMillion\": 2}");
        triage = created(
                "/api/v1/prompts",
                "{\"name\": \"support-triage\", \"modelId\": \"" + echo + "\", \"template\": {\"format\": \"chat\","
                        + " \"messages\": [{\"role\": \"system\", \"content\": \"You triage for {{product}}.\"},"
                        + " {\"role\": \"user\", \"content\": \"{{ticket}}\"}]}}");
        summary = created(
                "/api/v1/prompts",
                "{\"name\": \"billing-summary\", \"modelId\": \"" + echo + "\", \"template\": {\"format\": \"text\","
                        + " \"text\": \"Summarise {{invoice}}\"}}");
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("member").key());
    }

    @Test
    void theListFiltersByPromptVersionModelAndStatus() {
        execute(triage, "{\"variables\": {\"product\": \"Acme\", \"ticket\": \"<b>charged</b> twice\"}}");
        execute(summary, "{\"variables\": {\"invoice\": \"INV-1\"}}");
        execute(triage, "{\"variables\": {\"product\": \"Acme\", \"ticket\": \"x\"}, \"modelId\": \"" + fake + "\"}");
        OPENAI.enqueue(Reply.unauthorized());
        http.postJson(
                "/api/v1/prompts/" + summary + "/execute",
                "{\"variables\": {\"invoice\": \"INV-2\"}, \"modelId\": \"" + fake + "\"}",
                owner);

        String all = browser.get("/console/executions").body();
        assertThat(rows(all)).isEqualTo(4);
        assertThat(all).contains("support-triage · v1", "billing-summary · v1", "fake-gpt", "echo", "failed");

        assertThat(rows(browser.get("/console/executions?promptId=" + triage).body()))
                .isEqualTo(2);
        assertThat(rows(browser.get("/console/executions?promptId=" + triage + "&version=1")
                        .body()))
                .isEqualTo(2);
        assertThat(browser.get("/console/executions?promptId=" + triage + "&version=2")
                        .body())
                .contains("No execution matches these filters.");
        assertThat(rows(browser.get("/console/executions?modelId=" + fake).body()))
                .isEqualTo(2);
        String failed = browser.get("/console/executions?status=failed").body();
        assertThat(rows(failed)).isEqualTo(1);
        assertThat(failed).contains("billing-summary", "fake-gpt");
        String hourAgo = LOCAL.format(Instant.now().minus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC));
        assertThat(rows(browser.get("/console/executions?from=" + hourAgo).body()))
                .isEqualTo(4);
        assertThat(browser.get("/console/executions?to=" + hourAgo).body()).contains("No execution matches");
        assertThat(rows(browser.get("/console/executions?from=" + hourAgo + "&to="
                                + LOCAL.format(Instant.now()
                                        .plus(1, ChronoUnit.MINUTES)
                                        .atOffset(ZoneOffset.UTC)))
                        .body()))
                .isEqualTo(4);
    }

    @Test
    void theListPagesByTokenNewestFirst() {
        for (int i = 0; i < 27; i++) {
            execute(summary, "{\"variables\": {\"invoice\": \"INV-" + i + "\"}}");
        }

        String first = browser.get("/console/executions?promptId=" + summary).body();
        assertThat(rows(first)).isEqualTo(25);
        var older = OLDER.matcher(first);
        assertThat(older.find()).as("a link to the older page").isTrue();
        String second = browser.get(older.group(1).replace("&amp;", "&")).body();

        assertThat(rows(second)).isEqualTo(2);
        assertThat(second).contains("Newest executions").doesNotContain("id=\"older-executions\"");
        assertThat(browser.get("/console/executions?pageToken=garbage").statusCode())
                .isEqualTo(400);
    }

    @Test
    void anExecutionsPageShowsTheMessagesItSentWhatCameBackAndWhatItCost() {
        String id = execute(
                triage,
                "{\"variables\": {\"product\": \"Acme\", \"ticket\": \"<b>charged</b> twice\"}," + " \"modelId\": \""
                        + fake + "\", \"parameters\": {\"temperature\": 0.4}}");
        http.postJson(
                "/api/v1/executions/" + id + "/scores",
                "{\"name\": \"helpful\", \"value\": 0.8, \"comment\": \"close enough\"}",
                owner);

        var page = browser.get("/console/executions/" + id);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("succeeded", "support-triage", "version 1", "fake-gpt", "custom · gpt-test")
                .contains("You triage for Acme.", "&lt;b&gt;charged&lt;/b&gt; twice")
                .doesNotContain("<b>charged</b>")
                .contains("Category: billing")
                .contains("1,000 in · 3 out", "$0.001506", "Attempts", "stop")
                .contains("temperature", "0.4")
                .doesNotContain("cancel-execution");
        assertThat(page.body()).contains("helpful", "close enough");
    }

    @Test
    void aFallbackShowsEveryAttemptAndTheModelThatAnswered() {
        OPENAI.setDefault(Reply.serverError());
        String id = execute(
                summary,
                "{\"variables\": {\"invoice\": \"INV-3\"}, \"modelId\": \"" + fake + "\", \"fallbackModelIds\": [\""
                        + echo + "\"]}");

        String page = browser.get("/console/executions/" + id).body();

        assertThat(page).contains("Answered by the fallback model <strong>echo</strong>, after fake-gpt failed.");
        String attempts = page.substring(
                page.indexOf("id=\"execution-attempts\""),
                page.indexOf("</table>", page.indexOf("id=\"execution-attempts\"")));
        assertThat(attempts).contains("fake-gpt", "custom · gpt-test", "echo · echo");
        assertThat(attempts.split("<tr>"))
                .as("a header and at least two attempts")
                .hasSizeGreaterThanOrEqualTo(4);
        assertThat(attempts.lastIndexOf("answered")).isGreaterThan(attempts.lastIndexOf("fake-gpt"));
    }

    @Test
    void anAnswerServedFromTheCacheSaysSoAndLinksTheExecutionItCameFrom() {
        String source = execute(summary, "{\"variables\": {\"invoice\": \"INV-4\"}}");
        String served = execute(summary, "{\"variables\": {\"invoice\": \"INV-4\"}}");
        // The cache itself is ResponseCacheIT's (it needs Redis); here only what the page makes of such a record.
        jdbc.sql("UPDATE executions SET cached_from = ? WHERE id = ?")
                .params(UUID.fromString(source), UUID.fromString(served))
                .update();

        String page = browser.get("/console/executions/" + served).body();

        assertThat(page)
                .contains("id=\"execution-cached\"", "Served from the response cache")
                .contains("href=\"/console/executions/" + source + "\"")
                .doesNotContain("id=\"execution-fallback\"");
    }

    @Test
    void aFailedExecutionShowsItsErrorInWords() {
        OPENAI.enqueue(Reply.unauthorized());
        var failed = http.postJson(
                "/api/v1/prompts/" + summary + "/execute",
                "{\"variables\": {\"invoice\": \"INV-2\"}, \"modelId\": \"" + fake + "\"}",
                owner);
        String id = Http.json(failed).get("executionId").asString();

        String page = browser.get("/console/executions/" + id).body();

        assertThat(page).contains("id=\"execution-error\"", "auth_failed", "failed");
    }

    @Test
    void aRunningExecutionIsCancelledFromItsPage() {
        OPENAI.enqueue(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(30)));
        int requests = OPENAI.requestCount();
        var running = CompletableFuture.supplyAsync(() -> http.postJson(
                "/api/v1/prompts/" + summary + "/execute",
                "{\"variables\": {\"invoice\": \"INV-9\"}, \"modelId\": \"" + fake + "\"}",
                owner));
        await().atMost(Duration.ofSeconds(10)).until(() -> OPENAI.requestCount() > requests);
        String id = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc.sql("SELECT id::text FROM executions WHERE prompt_id = ? AND status = 'running'")
                                .param(UUID.fromString(summary))
                                .query(String.class)
                                .optional()
                                .orElse(null),
                        found -> found != null);
        String page = browser.get("/console/executions/" + id).body();
        assertThat(page).contains("running", "id=\"cancel-execution\"", "hx-trigger=\"every 2s\"");
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());
        assertThat(viewer.get("/console/executions/" + id).body()).doesNotContain("cancel-execution");
        assertThat(viewer.post("/console/executions/" + id + "/cancel", Map.of())
                        .statusCode())
                .isEqualTo(403);

        var cancel = browser.post("/console/executions/" + id + "/cancel", Map.of());

        assertThat(cancel.statusCode()).isEqualTo(302);
        assertThat(cancel.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith(id + "?cancel=requested"));
        running.orTimeout(10, TimeUnit.SECONDS).join();
        String after =
                browser.get("/console/executions/" + id + "?cancel=requested").body();
        assertThat(after).contains("Cancel requested", "cancelled").doesNotContain("hx-trigger=\"every 2s\"");
        var again = browser.post("/console/executions/" + id + "/cancel", Map.of());
        assertThat(again.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("?cancel=ended"));
    }

    @Test
    void badFiltersAndUnknownExecutionsAreRefusedInWords() {
        var badVersion = browser.get("/console/executions?version=2");
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(badVersion.body()).contains("Pick a prompt to filter by version");
        var bad = browser.get("/console/executions?promptId=nope&status=lost&from=yesterday&version=-1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("The prompt 'nope' is not one of the choices.")
                .contains("The status must be one of pending, running, succeeded, failed, cancelled, timed_out.")
                .contains("From must be a date and time")
                .contains("The version must be a whole number");
        var backwards = browser.get("/console/executions?from=2026-12-07T10:00&to=2026-12-07T09:00");
        assertThat(backwards.body()).contains("From must be before To.");

        var unknown = browser.get("/console/executions/" + UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No execution");
        assertThat(browser.get("/console/executions/not-an-id").statusCode()).isEqualTo(404);
        var stranger = new ConsoleClient(port);
        stranger.signIn(tenants.create("other").owner().key());
        String id = execute(summary, "{\"variables\": {\"invoice\": \"INV-1\"}}");
        assertThat(stranger.get("/console/executions/" + id).statusCode())
                .as("another organization's execution does not exist for them")
                .isEqualTo(404);
        assertThat(stranger.get("/console/executions").body()).contains("No executions yet");
    }

    private String execute(String prompt, String body) {
        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("id").asString();
    }

    private static int rows(String page) {
        return (int) Pattern.compile("class=\"execution-link\"")
                .matcher(page)
                .results()
                .count();
    }

    private String created(String path, String json) {
        var response = http.postJson(path, json, owner);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }
}
