package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The console end to end in Debian's headless Chromium (packages chromium and chromium-driver): sign in with a key,
 * search the prompts, open one, diff two versions, promote a version through the confirmation, sign out; and as a
 * viewer, no write action on the page; run a prompt in the playground; as an owner, register a model, issue a key
 * (seen once), invite a user and set a budget. Each page is photographed at 1280 px and 390 px into docs/console/.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ConsoleBrowserIT extends AuthenticatedApi {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final FakeProvider OPENAI = FakeProvider.openAi();

    @DynamicPropertySource
    static void providerOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    private static final String TRIAGE = """
            {"name": "support-triage", "description": "Sorts incoming tickets", "tags": ["support", "triage"],
             "template": {"format": "chat", "messages": [
                 {"role": "system", "content": "You triage tickets for {{product}}."},
                 {"role": "user", "content": "{{ticket}}"}]},
             "parameters": {"temperature": 0}, "commitMessage": "First triage prompt"}
            """;
    private static final String TRIAGE_V2 = """
            {"baseVersion": 1, "template": {"format": "chat", "messages": [
                 {"role": "system", "content": "You triage tickets for {{product}}.\\nAnswer with one word: bug, billing or other."},
                 {"role": "user", "content": "{{ticket}}"}]},
             "parameters": {"temperature": 0.2, "maxTokens": 5}, "commitMessage": "Answer with one word"}
            """;
    private static final String SUMMARY = """
            {"name": "billing-summary", "description": "Summarises invoices", "tags": ["billing"],
             "template": {"format": "text", "text": "Summarise {{invoice}}"}, "commitMessage": "first"}
            """;

    private Path profile;
    private ChromeDriverService service;
    private WebDriver browser;
    private WebDriverWait wait;
    private String promptId;

    @BeforeEach
    void startChromium() throws IOException {
        String owner = acme.owner().bearer();
        promptId = Http.json(http.postJson("/api/v1/prompts", TRIAGE, owner))
                .get("id")
                .asString();
        assertThat(http.postJson("/api/v1/prompts/" + promptId + "/versions", TRIAGE_V2, owner)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.putJson("/api/v1/prompts/" + promptId + "/labels/production", "{\"version\": 1}", owner)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.postJson("/api/v1/prompts", SUMMARY, owner).statusCode())
                .isEqualTo(201);

        // Readable names in the screenshots.
        jdbc.sql("UPDATE users SET email = 'ada@acme.example', name = 'Ada Lovelace' WHERE id = ?")
                .param(acme.owner().userId())
                .update();

        profile = Files.createTempDirectory("console-chromium-");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        var options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aMemberSignsInFindsAPromptDiffsTwoVersionsPromotesOneCreatesAnotherEditsItAndSignsOut() {
        open("/console/prompts");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        screenshot("sign-in");

        signIn(acme.owner().key());
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#prompt-list .prompt-link"), 2));
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof htmx"))
                .as("htmx loaded from the jar under the CSP")
                .isEqualTo("object");
        screenshot("prompts");

        browser.manage().window().setSize(new Dimension(390, 844));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("nav.wide")));
        browser.findElement(By.cssSelector(".menu summary")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".menu nav a[href='/console/executions']")));
        browser.findElement(By.cssSelector(".menu summary")).click();
        browser.manage().window().setSize(new Dimension(1280, 900));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav.wide")));

        WebElement name = browser.findElement(By.id("name"));
        name.sendKeys("supp");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#prompt-list .prompt-link"), 1));
        wait.until(ExpectedConditions.urlContains("name=supp"));
        assertThat(browser.findElement(By.cssSelector("#prompt-list .prompt-link"))
                        .getText())
                .isEqualTo("support-triage");

        browser.findElement(By.linkText("support-triage")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
        assertThat(browser.findElement(By.id("versions")).getText())
                .contains("First triage prompt", "Answer with one word");
        assertThat(browser.findElement(By.id("labels")).getText()).contains("production", "version 1");
        screenshot("prompt");

        new Select(browser.findElement(By.id("diff-from"))).selectByValue("1");
        new Select(browser.findElement(By.id("diff-to"))).selectByValue("2");
        browser.findElement(By.id("show-diff")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("template-diff")));
        assertThat(texts("#template-diff tr.added")).contains("Answer with one word: bug, billing or other.");
        assertThat(texts("#parameters-diff tr.removed")).contains("temperature: 0.0");
        assertThat(texts("#parameters-diff tr.added")).contains("temperature: 0.2", "maxTokens: 5");
        screenshot("diff");

        open("/console/prompts/" + promptId);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("move-form")));
        WebElement label = browser.findElement(By.id("move-label"));
        label.clear();
        label.sendKeys("production");
        new Select(browser.findElement(By.id("move-version"))).selectByValue("2");
        browser.findElement(By.id("review-move")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("confirm-move")));
        assertThat(browser.findElement(By.id("move-summary")).getText())
                .contains("Promote production from version 1 to version 2");
        assertThat(texts("#template-diff tr.added")).contains("Answer with one word: bug, billing or other.");
        screenshot("move");

        browser.findElement(By.id("confirm-move")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText())
                .isEqualTo("The label 'production' now points at version 2.");
        assertThat(browser.findElement(By.id("labels")).getText()).contains("production", "version 2");
        assertThat(jdbc.sql("""
                                SELECT v.version FROM prompt_labels l JOIN prompt_versions v ON v.id = l.prompt_version_id
                                 WHERE l.prompt_id = ? AND l.name = 'production'
                                """)
                        .param(java.util.UUID.fromString(promptId))
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);

        open("/console/prompts");
        browser.findElement(By.id("new-prompt")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-prompt-form")));
        browser.findElement(By.id("prompt-name")).sendKeys("release-notes");
        browser.findElement(By.id("prompt-tags")).sendKeys("docs, release");
        browser.findElement(By.id("prompt-system")).sendKeys("You write short release notes.");
        browser.findElement(By.id("prompt-user")).sendKeys("Changes: {{changes}}");
        screenshot("new-prompt", "main");
        browser.findElement(By.id("create-prompt")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("editor-form")));
        assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Saved as version 1.");
        WebElement user = browser.findElement(By.id("content-1"));
        user.clear();
        user.sendKeys("Changes since the last release: {{changes}}");
        browser.findElement(By.id("commit-message")).sendKeys("Say which release");
        browser.findElement(By.id("save-version")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Saved as version 2."));
        assertThat(jdbc.sql("""
                                SELECT v.version FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id
                                 WHERE p.name = 'release-notes' ORDER BY v.version DESC LIMIT 1
                                """).query(Integer.class).single()).isEqualTo(2);

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "You are signed out."));
        open("/console/prompts");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
    }

    @Test
    void aViewerSeesTheVersionsButNoWriteAction() {
        open("/console/sign-in");
        signIn(acme.member("viewer").key());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("prompt-list")));

        open("/console/prompts/" + promptId);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));

        assertThat(browser.findElements(By.id("move-form"))).isEmpty();
        assertThat(browser.findElements(By.id("review-move"))).isEmpty();
        assertThat(browser.findElement(By.tagName("header")).getText()).contains("viewer");
        assertThat(browser.findElements(By.id("diff-form")))
                .as("reading is allowed")
                .hasSize(1);
        screenshot("prompt-viewer");

        browser.findElement(By.id("open-playground")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("main"), "can read this prompt but not edit or run it"));
        assertThat(browser.findElements(By.id("editor-form"))).isEmpty();
        assertThat(browser.findElements(By.id("run-form"))).isEmpty();
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("You triage tickets for {{product}}.");
    }

    @Test
    void aMemberRunsAPromptInThePlaygroundWatchesItsTokensStreamInOpensItsExecutionAndSeesItOnTheDashboard() {
        String model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"fake-gpt\", \"providerModelId\": \"gpt-test\","
                                + " \"baseUrl\": \"" + OPENAI.baseUrl() + "\", \"credential\": {\"apiKey\":"
                                + " \"sk-test\"}, \"inputPricePerMillion\": 1.5, \"outputPricePerMillion\": 2}",
                        acme.owner().bearer()))
                .get("id")
                .asString();
        OPENAI.enqueue(Reply.stream("Category", ":", " billing", "\nConfidence", ": high")
                .inputTokens(1200)
                .tokenInterval(Duration.ofMillis(700)));
        open("/console/sign-in");
        signIn(acme.owner().key());

        open("/console/prompts/" + promptId);
        browser.findElement(By.id("open-playground")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-form")));
        assertThat(browser.findElement(By.id("content-0")).getAttribute("value"))
                .startsWith("You triage tickets for {{product}}.");
        browser.findElement(By.id("content-0")).sendKeys(Keys.END, "\nBe polite.");
        browser.findElement(By.id("preview-edit")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("preview")));
        assertThat(texts("#preview-template-diff tr.added")).containsExactly("Be polite.");
        assertThat(browser.findElement(By.id("content-0")).getAttribute("value"))
                .as("the edit is kept, unsaved")
                .endsWith("Be polite.");
        screenshot("playground-preview");
        browser.findElement(By.id("var-product")).sendKeys("Acme Cloud");
        browser.findElement(By.id("var-ticket")).sendKeys("I was charged twice for March.");
        new Select(browser.findElement(By.id("run-model"))).selectByValue(model);
        screenshot("playground");
        // Enter in a field of the run form runs it, as a keyboard user would.
        browser.findElement(By.id("run-max-tokens")).sendKeys(Keys.ENTER);

        // Polled often: the remaining tokens take 2.8 s, and the point is to see the first ones before the end.
        new WebDriverWait(browser, WAIT)
                .pollingEvery(Duration.ofMillis(50))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-output"), "Category"));
        assertThat(browser.findElements(By.id("run-result")))
                .as("the first tokens are on the page before the run ends")
                .isEmpty();
        assertThat(browser.findElements(By.id("cancel-run"))).hasSize(1);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-result")));
        assertThat(browser.findElement(By.id("run-output")).getText()).isEqualTo("Category: billing\nConfidence: high");
        assertThat(browser.findElement(By.id("run-result")).getText()).isEqualTo("Succeeded.");
        assertThat(browser.findElement(By.id("run-figures")).getText()).contains("1,200 in · 5 out", "$0.00181");
        assertThat(browser.findElements(By.id("cancel-run"))).isEmpty();
        screenshot("playground-run", "run-stream");

        browser.findElement(By.linkText("Executions")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("execution-filters")));
        new Select(browser.findElement(By.id("filter-prompt"))).selectByVisibleText("support-triage");
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("succeeded");
        browser.findElement(By.id("apply-filters")).click();
        wait.until(ExpectedConditions.urlContains("status=succeeded"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#execution-list tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().getText())
                .contains("support-triage · v2", "fake-gpt", "succeeded", "1,200 in · 5 out");
        screenshot("executions");

        rows.getFirst().findElement(By.cssSelector("a.execution-link")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("execution-output")));
        assertThat(browser.findElement(By.id("execution-output")).getText())
                .isEqualTo("Category: billing\nConfidence: high");
        assertThat(browser.findElement(By.id("execution-messages")).getText())
                .contains("You triage tickets for Acme Cloud.", "I was charged twice for March.");
        assertThat(browser.findElement(By.id("execution-details")).getText()).contains("$0.00181", "1,200 in · 5 out");
        screenshot("execution");

        open("/console/dashboard");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("figure[data-chart] canvas"), 3));
        assertThat(browser.findElement(By.id("dashboard-summary")).getText())
                .contains("EXECUTIONS, LAST HOUR\n1", "COST, LAST 24 HOURS\n$0.00181");
        assertThat(browser.findElement(By.id("by-prompt")).getText()).contains("support-triage");
        screenshot("dashboard");
    }

    @Test
    void anOwnerRegistersAModelIssuesAKeySeenOnceInvitesAUserAndSetsABudget() {
        String secret = "sk-browser-secret-31337";
        open("/console/sign-in");
        signIn(acme.owner().key());

        browser.findElement(By.linkText("Models")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-models")));
        browser.findElement(By.id("register-model")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("model-form")));
        new Select(browser.findElement(By.id("model-provider"))).selectByValue("openai");
        browser.findElement(By.id("model-name")).sendKeys("gpt-mini");
        browser.findElement(By.id("model-provider-id")).sendKeys("gpt-4o-mini");
        browser.findElement(By.id("model-temperature")).sendKeys("0.3");
        browser.findElement(By.id("model-input-price")).sendKeys("0.15");
        browser.findElement(By.id("model-output-price")).sendKeys("0.6");
        browser.findElement(By.id("model-first-token")).sendKeys("5");
        browser.findElement(By.id("model-idle")).sendKeys("2.5");
        browser.findElement(By.id("model-api-key")).sendKeys(secret);
        screenshot("model-form");
        // Enter in a field submits the form, as a keyboard user would.
        browser.findElement(By.id("model-api-key")).sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("The model is registered.");
        assertThat(browser.findElement(By.id("model-list")).getText())
                .contains("gpt-mini", "gpt-4o-mini", "openai", "enabled", "$0.15 / M tokens")
                .contains("first token 5 s, idle 2.5 s", "an API key (stored encrypted)");
        assertThat(browser.getPageSource()).doesNotContain(secret);
        screenshot("models");

        browser.findElement(By.linkText("API keys")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issue-form")));
        browser.findElement(By.id("key-name")).sendKeys("ci-pipeline");
        browser.findElement(By.id("issue-key")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issued-key")));
        String token = browser.findElement(By.id("issued-key")).getAttribute("value");
        assertThat(token).startsWith("pl_");
        assertThat(http.get("/api/v1/prompts", "Bearer " + token).statusCode())
                .as("the key shown works")
                .isEqualTo(200);
        screenshot("api-key-issued");
        browser.findElement(By.id("keys-done")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("key-list")));
        assertThat(browser.findElement(By.id("key-list")).getText()).contains("ci-pipeline", token.substring(0, 15));
        assertThat(browser.getPageSource()).as("never shown again").doesNotContain(token);
        screenshot("api-keys");

        browser.findElement(By.linkText("Users")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("invite-form")));
        browser.findElement(By.id("invite-email")).sendKeys("grace@acme.example");
        browser.findElement(By.id("invite-name")).sendKeys("Grace Hopper");
        new Select(browser.findElement(By.id("invite-role"))).selectByValue("member");
        browser.findElement(By.id("invite")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("user-list")).getText()).contains("grace@acme.example", "Grace Hopper");
        screenshot("users");

        browser.findElement(By.linkText("Budgets")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("budget-form")));
        new Select(browser.findElement(By.id("budget-scope"))).selectByVisibleText("The whole organization");
        new Select(browser.findElement(By.id("budget-period"))).selectByValue("day");
        browser.findElement(By.id("budget-limit")).sendKeys("25", Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("budget-list")));
        assertThat(browser.findElement(By.id("budget-list")).getText())
                .contains("The organization", "day", "$25", "$0");
        assertThat(jdbc.sql("SELECT limit_usd FROM budgets WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(java.math.BigDecimal.class)
                        .single())
                .isEqualByComparingTo("25");
        screenshot("budgets");
    }

    /**
     * The evaluation pages: as a member, create a dataset and upload its file, run an experiment from the form and
     * watch its counts move before its summary arrives, compare it with a baseline item by item, make a benchmark from
     * its form and see its leaderboard.
     */
    @Test
    void aMemberUploadsADatasetRunsAnExperimentFromTheFormWatchesItRunComparesItAndSeesItsLeaderboard()
            throws IOException {
        String owner = acme.owner().bearer();
        String echo = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}",
                        owner))
                .get("id")
                .asString();
        String fake = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"fake-gpt\", \"providerModelId\": \"gpt-test\","
                                + " \"baseUrl\": \"" + OPENAI.baseUrl() + "\", \"credential\": {\"apiKey\":"
                                + " \"sk-test\"}, \"inputPricePerMillion\": 1.5, \"outputPricePerMillion\": 2}",
                        owner))
                .get("id")
                .asString();
        String capitals = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"capital-answer\", \"modelId\": \"" + echo
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"{{city}}\"}}",
                        owner))
                .get("id")
                .asString();
        String exact = Http.json(http.postJson(
                        "/api/v1/evaluators",
                        "{\"name\": \"exact-answer\", \"type\": \"exact_match\", \"config\": {}}",
                        owner))
                .get("id")
                .asString();
        Path items = Files.createTempDirectory("console-upload-").resolve("capitals.jsonl");
        Files.writeString(items, """
                {"input": {"city": "Paris"}, "expectedOutput": "Paris", "metadata": {"country": "France"}}
                {"input": {"city": "Berlin"}, "expectedOutput": "Berlin", "metadata": {"country": "Germany"}}
                {"input": {"city": "Rome"}, "expectedOutput": "Rome", "metadata": {"country": "Italy"}}
                {"input": {"city": "Madrid"}, "expectedOutput": "Lisbon", "metadata": {"country": "Portugal"}}
                """);
        var member = acme.member("member");
        // A readable name in the screenshots.
        jdbc.sql("UPDATE users SET email = 'grace@acme.example', name = 'Grace Hopper' WHERE id = ?")
                .param(member.userId())
                .update();
        open("/console/sign-in");
        signIn(member.key());

        browser.findElement(By.linkText("Datasets")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-datasets")));
        browser.findElement(By.id("dataset-name")).sendKeys("capitals");
        browser.findElement(By.id("dataset-description"))
                .sendKeys("Four cities and their expected answers", Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("upload-form")));
        assertThat(browser.findElement(By.id("notice")).getText()).contains("The dataset is created");
        browser.findElement(By.id("upload-file")).sendKeys(items.toString());
        browser.findElement(By.id("upload")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "uploaded as a new version"));
        Files.delete(items);
        Files.delete(items.getParent());
        assertThat(browser.findElement(By.id("item-list")).getText())
                .contains("city: Paris", "Lisbon", "country: Portugal");
        assertThat(browser.findElement(By.id("version-list")).getText())
                .contains("v2 (shown)", "uploaded capitals.jsonl (4 items)");
        screenshot("dataset");
        browser.findElement(By.linkText("Datasets")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("dataset-list")));
        screenshot("datasets");

        String dataset = jdbc.sql("SELECT id FROM datasets WHERE organization_id = ? AND name = 'capitals'")
                .param(acme.organizationId)
                .query(String.class)
                .single();
        // The baseline, on the echo model, through the API: 3 of 4 items right.
        assertThat(http.postJson(
                                "/api/v1/experiments",
                                "{\"name\": \"echo baseline\", \"promptId\": \"" + capitals + "\", \"datasetId\": \""
                                        + dataset + "\", \"evaluators\": [{\"evaluatorId\": \"" + exact + "\"}]}",
                                owner)
                        .statusCode())
                .isEqualTo(202);

        // The candidate, from the form, on the fake provider: slow enough to watch, 2 of 4 right.
        OPENAI.enqueue(
                Reply.stream("Paris.").firstTokenAfter(Duration.ofMillis(700)),
                Reply.stream("Bonn").firstTokenAfter(Duration.ofMillis(700)),
                Reply.stream("Rome").firstTokenAfter(Duration.ofMillis(700)),
                Reply.stream("Lisbon").firstTokenAfter(Duration.ofMillis(700)));
        browser.findElement(By.linkText("Experiments")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-experiment")));
        browser.findElement(By.id("new-experiment")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("experiment-form")));
        new Select(browser.findElement(By.id("experiment-prompt"))).selectByValue(capitals);
        new Select(browser.findElement(By.id("experiment-model"))).selectByValue(fake);
        new Select(browser.findElement(By.id("experiment-dataset"))).selectByValue(dataset);
        browser.findElement(By.id("evaluator-" + exact)).click();
        WebElement concurrency = browser.findElement(By.id("experiment-concurrency"));
        concurrency.clear();
        concurrency.sendKeys("1");
        browser.findElement(By.id("experiment-name")).sendKeys("fake-gpt candidate");
        screenshot("experiment-form");
        browser.findElement(By.id("start-experiment")).click();

        // The counts move in the page while it runs, before the summary arrives.
        new WebDriverWait(browser, WAIT)
                .pollingEvery(Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> browser.findElements(By.id("experiment-summary"))
                                .isEmpty()
                        && browser.findElements(By.id("experiment-counts")).stream()
                                .anyMatch(counts -> counts.getText().matches("(?si).*Finished\\s+[123] of 4.*")));
        assertThat(browser.findElements(By.id("cancel-experiment"))).hasSize(1);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("experiment-summary")));
        assertThat(browser.findElement(By.id("experiment-status")).getText()).isEqualTo("completed");
        assertThat(browser.findElement(By.id("summary-table")).getText()).contains("exact-answer", "0.500", "50.0%");
        assertThat(browser.findElements(By.id("cancel-experiment"))).isEmpty();
        browser.findElement(By.id("show-runs")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-list")));
        assertThat(browser.findElement(By.id("run-list")).getText()).contains("Bonn", "Lisbon");
        screenshot("experiment", "progress-title");

        browser.findElement(By.linkText("Experiments")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("compare-form")));
        assertThat(browser.findElement(By.id("experiment-list")).getText())
                .contains("echo baseline", "fake-gpt candidate", "capital-answer · v1", "4 of 4 runs", "completed");
        screenshot("experiments");
        new Select(browser.findElement(By.id("compare-baseline")))
                .selectByVisibleText("echo baseline: capital-answer · v1 on echo, capitals · v2");
        new Select(browser.findElement(By.id("compare-candidate")))
                .selectByVisibleText("fake-gpt candidate: capital-answer · v1 on fake-gpt, capitals · v2");
        browser.findElement(By.id("compare")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.comparison")));
        assertThat(browser.findElements(By.cssSelector("table.comparison tr.regressed")))
                .extracting(WebElement::getText)
                .hasSize(2)
                .anySatisfy(row -> assertThat(row).contains("city: Berlin", "Berlin", "Bonn"));
        assertThat(browser.findElements(By.cssSelector("table.comparison tr.improved")))
                .extracting(WebElement::getText)
                .singleElement()
                .satisfies(row -> assertThat(row).contains("city: Madrid", "Lisbon"));
        assertThat(browser.findElement(By.cssSelector(".verdict")).getText()).contains("not significant");
        screenshot("comparison");

        // A benchmark made after both experiments ran holds them at once.
        browser.findElement(By.linkText("Leaderboards")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-benchmarks")));
        browser.findElement(By.id("new-benchmark")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-benchmark-form")));
        browser.findElement(By.id("benchmark-name")).sendKeys("capitals-v2");
        browser.findElement(By.id("benchmark-description")).sendKeys("Exact answers on capitals v2");
        new Select(browser.findElement(By.id("benchmark-dataset"))).selectByValue(dataset);
        browser.findElement(By.id("metric-" + exact)).click();
        screenshot("new-benchmark");
        browser.findElement(By.id("create-benchmark")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("leaderboard")));
        List<WebElement> rows = browser.findElements(By.cssSelector("#leaderboard tbody tr"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getText()).contains("1", "capital-answer · v1", "echo", "0.750");
        assertThat(rows.get(1).getText()).contains("2", "capital-answer · v1", "fake-gpt", "0.500");
        screenshot("leaderboard");
        browser.findElement(By.linkText("Leaderboards")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("benchmark-list")));
        assertThat(browser.findElement(By.id("benchmark-list")).getText()).contains("capitals-v2", "capitals · v2");
        screenshot("leaderboards");
    }

    /** Types the key and presses Enter, as a keyboard user would. */
    private void signIn(String key) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("apiKey")));
        browser.findElement(By.id("apiKey")).sendKeys(key, Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("/console/prompts"));
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + port + path);
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream()
                .map(row -> row.findElement(By.cssSelector("td.text")).getText())
                .toList();
    }

    /** The page at a desktop width and at a phone's, into docs/console/ of the repository. */
    private void screenshot(String name) {
        screenshot(name, null);
    }

    /** The page scrolled to the element with this id, at both widths. */
    private void screenshot(String name, @Nullable String anchor) {
        Path folder = repositoryRoot().resolve("docs/console");
        try {
            Files.createDirectories(folder);
            for (int width : new int[] {1280, 390}) {
                browser.manage().window().setSize(new Dimension(width, width == 390 ? 844 : 900));
                wait.until(driver -> ((JavascriptExecutor) driver)
                        .executeScript("return window.innerWidth")
                        .toString()
                        .equals(String.valueOf(width)));
                if (anchor != null) {
                    ((JavascriptExecutor) browser)
                            .executeScript("document.getElementById(arguments[0]).scrollIntoView()", anchor);
                }
                File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
                Files.copy(
                        shot.toPath(),
                        folder.resolve(name + "-" + width + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            browser.manage().window().setSize(new Dimension(1280, 900));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path path = here; path != null; path = path.getParent()) {
            if (Files.exists(path.resolve("mvnw")) && Files.isDirectory(path.resolve("docs"))) {
                return path;
            }
        }
        return here;
    }
}
