package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The evaluation pages over real HTTP: datasets (create, upload a file as a new version, a bad line named and nothing
 * imported, items paged), experiments started from the form and run to their summary on the echo model and the fake
 * provider, the comparison of two with the regressed item marked, and the leaderboards; a viewer reads every page but
 * sees no write action and is refused a forged change; every change needs the form's CSRF token.
 */
@TestPropertySource(
        properties = {
            "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "promptline.experiments.poll-interval=100ms",
            "promptline.runtime.max-attempts=1"
        })
class ConsoleEvaluationPagesIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final Pattern LOCATION_ID = Pattern.compile("/console/(?:datasets|experiments)/([0-9a-f-]{36})");

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.web.max-upload-size", () -> "64KB");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    private String owner;
    private Registry registry;
    private ConsoleClient browser;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        registry = new Registry(http, owner);
        OPENAI.reset(Reply.stream("ok"));
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("member").key());
    }

    @Test
    void aMemberCreatesADatasetUploadsItsItemsAndPagesThroughThem() {
        assertThat(browser.get("/console/datasets").body()).contains("No datasets yet.", "dataset-form");

        var created = browser.post("/console/datasets", Map.of("name", "capitals", "description", "Cities"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        String id = idIn(created.headers().firstValue("Location").orElseThrow());
        assertThat(browser.get("/console/datasets/" + id + "?done=created").body())
                .contains("The dataset is created", "Version 1 holds no items.", "upload-form");

        var jsonl = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            jsonl.append(
                    "{\"input\": {\"city\": \"city-%02d\"}, \"expectedOutput\": \"answer-%02d\"}\n".formatted(i, i));
        }
        var uploaded = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "1", "format", "auto"),
                "file",
                "cities.jsonl",
                jsonl.toString().getBytes(StandardCharsets.UTF_8),
                true);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(302);
        var csv = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "2", "format", "auto"),
                "file",
                "more.csv",
                "input.city,expectedOutput,metadata.source\nOslo,Norway,atlas\n".getBytes(StandardCharsets.UTF_8),
                true);
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(302);

        String page = browser.get("/console/datasets/" + id).body();
        assertThat(page)
                .contains("v3 (shown)", "uploaded more.csv (1 item)", "uploaded cities.jsonl (30 items)")
                .contains("Items of version 3", "city: city-01", "answer-01", "city: city-25")
                .doesNotContain("city-26");
        String next = page.replaceAll("(?s).*href=\"([^\"]+)\" id=\"next-items\".*", "$1")
                .replace("&amp;", "&");
        String second = browser.get(next).body();
        assertThat(second)
                .contains("city: city-26", "<td data-label=\"#\">26</td>", "city: Oslo", "source: atlas")
                .doesNotContain("city-25<");
        assertThat(browser.get("/console/datasets/" + id + "?version=2").body())
                .contains("v2 (shown)", "Items of version 2")
                .doesNotContain("Oslo");
        String list = browser.get("/console/datasets").body();
        assertThat(list).contains("capitals", "Cities", "v3", "<td data-label=\"Items\">31</td>");
    }

    @Test
    void aBadUploadNamesTheLineInWordsAndImportsNothing() {
        String id = dataset("{\"input\": {\"answer\": \"a\"}, \"expectedOutput\": \"a\"}");
        browser.get("/console/datasets/" + id);

        var bad = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "1", "format", "jsonl"),
                "file",
                "items.jsonl",
                "{\"input\": {\"answer\": \"b\"}}\n{\"input\": {\"answer\": 7}}\n".getBytes(StandardCharsets.UTF_8),
                true);

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("Nothing was imported", "Line 2, input.answer: must be text. Nothing was imported.");
        var empty = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "1"),
                "file",
                "empty.csv",
                new byte[0],
                true);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("Choose a JSONL or CSV file to upload");
        var stale = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "7"),
                "file",
                "items.jsonl",
                "{\"input\": {\"answer\": \"b\"}}\n".getBytes(StandardCharsets.UTF_8),
                true);
        assertThat(stale.statusCode()).isEqualTo(409);
        byte[] oversized = "{\"input\": {\"answer\": \"b\"}}\n".repeat(4_000).getBytes(StandardCharsets.UTF_8);
        var tooLarge = browser.postFile(
                "/console/datasets/" + id + "/upload",
                Map.of("baseVersion", "1"),
                "file",
                "big.jsonl",
                oversized,
                true);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(tooLarge.body())
                .as("the console's error page, in words, not problem JSON")
                .contains("The upload exceeds the limit of 65536 bytes", "MAX_UPLOAD_SIZE", "</html>");
        assertThat(versions(id)).isEqualTo(1);
        assertThat(items(id)).isEqualTo(1);
    }

    @Test
    void checkedExecutionsBecomeItemsOfANewVersionOfTheChosenDataset() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        List<String> ran = List.of("Paris", "Rome").stream()
                .map(answer -> Http.json(http.postJson(
                                "/api/v1/prompts/" + prompt + "/execute",
                                "{\"variables\": {\"answer\": \"%s\"}}".formatted(answer),
                                owner))
                        .get("id")
                        .asString())
                .toList();
        String dataset = dataset(item("Berlin", "Berlin"));

        String list = browser.get("/console/executions").body();
        assertThat(list).contains("id=\"add-to-dataset\"", "collect-" + ran.get(0), "collect-" + ran.get(1), dataset);
        var added = browser.post(
                "/console/datasets/from-executions",
                Map.of("datasetId", dataset, "outputAsExpected", "true"),
                "executionId",
                ran);

        assertThat(added.statusCode()).as(added.body()).isEqualTo(302);
        assertThat(versions(dataset)).isEqualTo(2);
        String page =
                browser.get("/console/datasets/" + dataset + "?done=collected").body();
        assertThat(page).contains("The checked executions are added as a new version.", "answer: Paris", "Rome");
        assertThat(jdbc.sql("""
                                SELECT count(*) FROM dataset_items
                                WHERE dataset_id = ? AND added_in_version = 2 AND source_execution_id IS NOT NULL
                                  AND expected_output IN ('Paris', 'Rome')
                                """)
                        .param(UUID.fromString(dataset))
                        .query(Integer.class)
                        .single())
                .as("their outputs as expected outputs")
                .isEqualTo(2);

        var nothingChecked = browser.post("/console/datasets/from-executions", Map.of("datasetId", dataset));
        assertThat(nothingChecked.statusCode()).isEqualTo(400);
        assertThat(nothingChecked.body()).contains("Check at least one succeeded execution");
        String unknown = UUID.randomUUID().toString();
        var refused = browser.post(
                "/console/datasets/from-executions", Map.of("datasetId", dataset), "executionId", List.of(unknown));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains(unknown);
        assertThat(versions(dataset)).as("nothing more added").isEqualTo(2);

        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());
        assertThat(viewer.get("/console/executions").body()).doesNotContain("add-to-dataset", "collect-");
    }

    @Test
    void anExperimentStartedFromTheFormRunsToItsSummaryAndItsPageShowsIt() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("Paris", "Paris"), item("Berlin", "Berlin"), item("Rome", "Madrid"));
        String evaluator = exactMatch();
        String form = browser.get("/console/experiments/new").body();
        assertThat(form).contains("experiment-form", prompt, dataset, evaluator, "exact_match");

        var started = browser.post(
                "/console/experiments",
                form(prompt, dataset, evaluator, Map.of("repetitions", "2", "concurrency", "2", "name", "capitals")));

        assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
        String id = idIn(started.headers().firstValue("Location").orElseThrow());
        awaitEnded(id);
        String page = browser.get("/console/experiments/" + id).body();
        assertThat(page)
                .contains("capitals", "completed", "6 of 6", "Summary", "The experiment ended as completed.")
                .contains("exact", "0.667", "0.577", "66.7%", "6 over 3 items", "Latency p95")
                .contains("run-list", "Paris", "Rome", ": no, failed")
                .doesNotContain("sse-connect", "cancel-experiment", "rerun-failed");
        // A late subscriber to the stream gets the progress, then the summary, and the stream ends.
        String events = browser.get("/console/experiments/" + id + "/events", Map.of("Accept", "text/event-stream"))
                .body();
        assertThat(events).contains("event: progress", "6 of 6", "event: done", "experiment-summary", "0.667");
        assertThat(events.indexOf("event: progress")).isLessThan(events.indexOf("event: done"));
        assertThat(browser.get("/console/experiments").body()).contains("capitals", "6 of 6 runs", "completed", "v1");
    }

    @Test
    void aRunningExperimentsPageStreamsItsProgressAndCanBeCancelled() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        String dataset = dataset(item("a", "ok"), item("b", "ok"), item("c", "ok"));
        // The default answer, not queued ones: a cancelled run leaves nothing in the queue for the other tests.
        OPENAI.setDefault(Reply.stream("ok").firstTokenAfter(Duration.ofSeconds(3)));
        var started =
                browser.post("/console/experiments", form(prompt, dataset, exactMatch(), Map.of("concurrency", "1")));
        String id = idIn(started.headers().firstValue("Location").orElseThrow());

        String page =
                browser.get("/console/experiments/" + id + "?done=started").body();
        assertThat(page)
                .contains("The experiment is queued", "sse-connect=\"/console/experiments/" + id + "/events\"")
                .contains("cancel-experiment", "0 of 3");
        var cancelled = browser.post("/console/experiments/" + id + "/cancel", Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(302);
        awaitEnded(id);
        assertThat(browser.get("/console/experiments/" + id + "?done=cancelled").body())
                .contains("The experiment is cancelled", "cancelled")
                .doesNotContain("cancel-experiment");
        var again = browser.post("/console/experiments/" + id + "/cancel", Map.of());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already ended as cancelled");
    }

    @Test
    void theFailedItemsOfAnEndedExperimentAreRunAgainFromItsPage() {
        String prompt = registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}");
        String dataset = dataset(item("a", "ok"), item("b", "ok"), item("c", "ok"));
        OPENAI.enqueue(Reply.stream("ok"), Reply.serverError(), Reply.stream("ok"));
        String id = startByApi(prompt, dataset, exactMatch());
        awaitEnded(id);

        String page = browser.get("/console/experiments/" + id).body();
        assertThat(page).contains("1 run failed.", "rerun-failed", "<span class=\"status failed\">failed</span>");
        String failedOnly =
                browser.get("/console/experiments/" + id + "?runStatus=failed").body();
        assertThat(failedOnly)
                .contains("<span class=\"status failed\">failed</span>", "<option value=\"failed\" selected>")
                .doesNotContain("<span class=\"status succeeded\">");
        var rerun = browser.post("/console/experiments/" + id + "/rerun", Map.of());

        assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(302);
        awaitEnded(id);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> browser.get("/console/experiments/" + id).body().contains("3 of 3"));
        String again = browser.get("/console/experiments/" + id + "?done=rerun").body();
        assertThat(again)
                .contains("The failed runs are queued again", "1.000", "100.0%")
                .doesNotContain("rerun-failed", "<span class=\"status failed\">");
        var nothingFailed = browser.post("/console/experiments/" + id + "/rerun", Map.of());
        assertThat(nothingFailed.statusCode()).isEqualTo(409);
        assertThat(nothingFailed.body()).contains("has no failed runs to run again");
    }

    @Test
    void anExperimentsRunsPageThroughInItemOrderAndAWrongStatusOrLinkIsSaidInWords() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String[] items = IntStream.range(0, 51)
                .mapToObj(i -> item("answer-%02d".formatted(i), "answer-%02d".formatted(i)))
                .toArray(String[]::new);
        String id = startByApi(prompt, dataset(items), exactMatch());
        awaitEnded(id);

        String first = browser.get("/console/experiments/" + id).body();
        assertThat(first).contains("answer-00", "answer-49").doesNotContain("answer-50", "id=\"first-runs\"");
        String second = browser.get(link(first, "next-runs")).body();
        assertThat(second).contains("answer-50", "id=\"first-runs\"").doesNotContain("answer-49", "id=\"next-runs\"");
        assertThat(browser.get(link(second, "first-runs")).body()).contains("answer-00");
        assertThat(browser.get("/console/experiments/" + id + "?runStatus=failed")
                        .body())
                .contains("No failed run.")
                .doesNotContain("id=\"next-runs\"");

        var unknown = browser.get("/console/experiments/" + id + "?runStatus=finished");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("There is no run status 'finished'", "answer-00");
        var forged = browser.get("/console/experiments/" + id + "?runs=not-a-token");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("That link to more runs is not one this page made", "answer-00");
    }

    @Test
    void theStartFormSaysWhatIsWrongInWordsAndStartsNothing() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}} {{city}}");
        String dataset = dataset(item("a", "a"));
        browser.get("/console/experiments/new");

        var missing = browser.post("/console/experiments", form(prompt, dataset, exactMatch(), Map.of()));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("Nothing was started", "has no variable 'city', which the prompt needs");
        var both = browser.post(
                "/console/experiments",
                form(prompt, dataset, exactMatch(), Map.of("promptVersion", "1", "promptLabel", "production")));
        assertThat(both.body()).contains("Give the prompt's version or a label, not both.");
        var repetitions = browser.post(
                "/console/experiments", form(prompt, dataset, exactMatch(), Map.of("repetitions", "many")));
        assertThat(repetitions.body()).contains("Repetitions must be a whole number.");
        assertThat(jdbc.sql("SELECT count(*) FROM experiments WHERE organization_id = ?")
                        .param(acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void aComparisonLaysTheItemsSideBySideAndMarksTheRegression() {
        String dataset = dataset(item("a", "a"), item("b", "b"), item("c", "c"));
        String evaluator = exactMatch();
        String baseline = startByApi(registry.prompt(registry.echoModel(), "{{answer}}"), dataset, evaluator);
        awaitEnded(baseline);
        OPENAI.enqueue(Reply.stream("a"), Reply.stream("wrong"), Reply.stream("c"));
        String candidate =
                startByApi(registry.prompt(registry.customModel(OPENAI.baseUrl()), "{{answer}}"), dataset, evaluator);
        awaitEnded(candidate);

        assertThat(browser.get("/console/experiments/" + baseline).body()).contains("compare-form", candidate);
        var compared = browser.get("/console/experiments/compare?baseline=" + baseline + "&candidate=" + candidate);

        assertThat(compared.statusCode()).as(compared.body()).isEqualTo(200);
        String page = compared.body();
        assertThat(page)
                .contains("Baseline", "Candidate", "1.000", "0.667", "-0.333")
                .contains("The difference is not significant: p = 0.423")
                .contains("<tr class=\"regressed\">", "wrong", "<span class=\"change regressed\">regressed</span>");
        assertThat(page.split("<tr class=\"regressed\">", -1)).hasSize(2);
        assertThat(page.split("<tr class=\"unchanged\">", -1)).hasSize(3);
        String pair = "/console/experiments/compare?baseline=" + baseline + "&candidate=" + candidate;
        String regressions = browser.get(pair + "&show=regressed").body();
        assertThat(regressions).contains("<tr class=\"regressed\">", "<option value=\"regressed\" selected>");
        assertThat(regressions).doesNotContain("<tr class=\"unchanged\">");
        assertThat(browser.get(pair + "&show=improved").body())
                .contains("No item is among the improvements.", "-0.333")
                .doesNotContain("<tr class=");
        var unknown = browser.get(pair + "&show=worst");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("'worst' is none of them");

        String worse = startByApi(registry.prompt(registry.echoModel(), "{{answer}}!"), dataset, evaluator);
        awaitEnded(worse);
        assertThat(browser.get("/console/experiments/compare?baseline=" + baseline + "&candidate=" + worse)
                        .body())
                .contains("The candidate is significantly worse");
        assertThat(browser.get("/console/experiments/compare?baseline=" + worse + "&candidate=" + baseline)
                        .body())
                .contains("<tr class=\"improved\">", "The candidate is significantly better");

        String elsewhere =
                startByApi(registry.prompt(registry.echoModel(), "{{answer}}"), dataset(item("z", "z")), evaluator);
        awaitEnded(elsewhere);
        var refused = browser.get("/console/experiments/compare?baseline=" + baseline + "&candidate=" + elsewhere);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Experiments compare only on the same dataset version");
    }

    @Test
    void theLeaderboardRanksEveryPromptVersionAndModelThatRanOnTheBenchmark() {
        assertThat(browser.get("/console/leaderboards").body()).contains("No benchmarks yet.");
        String dataset = dataset(item("a", "a"), item("b", "b"), item("c", "c"));
        String evaluator = exactMatch();
        var created = http.postJson("/api/v1/benchmarks", """
                {"name": "capitals-bench", "description": "Three capitals", "datasetId": "%s", "datasetVersion": 1,
                 "metrics": [{"evaluatorId": "%s", "direction": "higher"}]}""".formatted(dataset, evaluator), owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String benchmark = Http.json(created).get("id").asString();
        assertThat(browser.get("/console/leaderboards/" + benchmark).body())
                .contains("No experiment has ended on this benchmark");

        String good = startByApi(registry.prompt(registry.echoModel(), "{{answer}}"), dataset, evaluator);
        String bad = startByApi(registry.prompt(registry.echoModel(), "{{answer}}?"), dataset, evaluator);
        awaitEnded(good);
        awaitEnded(bad);

        assertThat(browser.get("/console/leaderboards").body())
                .contains("capitals-bench", "Three capitals", "v1 (higher is better)");
        String page = browser.get("/console/leaderboards/" + benchmark).body();
        assertThat(page).contains("Ranked by exact-", "1.000 (95% CI", "0.000 (95% CI", "p50");
        assertThat(page.indexOf("1.000 (95% CI")).isLessThan(page.indexOf("0.000 (95% CI"));
        assertThat(page).contains("<td data-label=\"Rank\">1</td>", "<td data-label=\"Rank\">2</td>");
    }

    @Test
    void aBenchmarkIsCreatedFromItsFormAndItsFirstRowsAreTheExperimentsThatAlreadyRan() {
        String dataset = dataset(item("a", "a"), item("b", "b"));
        String exact = exactMatch();
        String other = exactMatch();
        String ran = startByApi(registry.prompt(registry.echoModel(), "{{answer}}"), dataset, exact);
        awaitEnded(ran);
        assertThat(browser.get("/console/leaderboards").body()).contains("id=\"new-benchmark\"");
        String form = browser.get("/console/leaderboards/new").body();
        assertThat(form).contains("new-benchmark-form", dataset, exact, other);

        var missing = browser.post("/console/leaderboards", Map.of("name", "", "datasetId", dataset));
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body())
                .contains("The benchmark was not created", "The name is required", "Check at least one evaluator");
        var noSuchVersion = browser.post(
                "/console/leaderboards",
                Map.of("name", "two", "datasetId", dataset, "datasetVersion", "9", "evaluatorId", exact));
        assertThat(noSuchVersion.statusCode()).isEqualTo(422);
        assertThat(noSuchVersion.body()).contains("The benchmark was not created");
        assertThat(benchmarkCount()).as("nothing stored").isZero();

        var created = browser.post(
                "/console/leaderboards",
                Map.of(
                        "name",
                        "letters",
                        "description",
                        "Two letters",
                        "datasetId",
                        dataset,
                        "evaluatorId",
                        exact,
                        "direction-" + exact,
                        "higher"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        String board = browser.get(
                        URI.create(created.headers().firstValue("Location").orElseThrow())
                                .getPath())
                .body();
        assertThat(board).contains("letters", "Ranked by exact-", "1.000 (95% CI", "<td data-label=\"Rank\">1</td>");
        assertThat(benchmarkCount()).isEqualTo(1);
    }

    @Test
    void aViewerReadsEveryPageButSeesNoWriteActionAndIsRefusedAForgedChange() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("a", "a"));
        String evaluator = exactMatch();
        String experiment = startByApi(prompt, dataset, evaluator);
        awaitEnded(experiment);
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());

        for (String path : new String[] {
            "/console/datasets",
            "/console/datasets/" + dataset,
            "/console/experiments",
            "/console/experiments/" + experiment,
            "/console/leaderboards"
        }) {
            var response = viewer.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body())
                    .as(path)
                    .doesNotContain(
                            "dataset-form",
                            "upload-form",
                            "new-experiment",
                            "cancel-experiment",
                            "rerun-failed",
                            "new-benchmark");
        }
        assertThat(viewer.get("/console/experiments/new").statusCode()).isEqualTo(403);
        assertThat(viewer.get("/console/leaderboards/new").statusCode()).isEqualTo(403);
        assertThat(viewer.post(
                                "/console/leaderboards",
                                Map.of("name", "forged", "datasetId", dataset, "evaluatorId", evaluator))
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/console/datasets", Map.of("name", "forged")).statusCode())
                .isEqualTo(403);
        assertThat(viewer.postFile(
                                "/console/datasets/" + dataset + "/upload",
                                Map.of("baseVersion", "1"),
                                "file",
                                "forged.jsonl",
                                "{\"input\": {\"answer\": \"x\"}}\n".getBytes(StandardCharsets.UTF_8),
                                true)
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/console/experiments", form(prompt, dataset, evaluator, Map.of()))
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/console/experiments/" + experiment + "/rerun", Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/console/experiments/" + experiment + "/cancel", Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(datasetCount()).isEqualTo(1);
        assertThat(versions(dataset)).isEqualTo(1);
        assertThat(experimentCount()).isEqualTo(1);
    }

    @Test
    void everyChangeNeedsTheFormsCsrfToken() {
        String prompt = registry.prompt(registry.echoModel(), "{{answer}}");
        String dataset = dataset(item("a", "a"));
        browser.get("/console/datasets");

        var create = browser.postRaw("/console/datasets", Map.of("name", "forged"), Map.of());
        var upload = browser.postFile(
                "/console/datasets/" + dataset + "/upload",
                Map.of("baseVersion", "1"),
                "file",
                "forged.jsonl",
                "{\"input\": {\"answer\": \"x\"}}\n".getBytes(StandardCharsets.UTF_8),
                false);
        var start = browser.postRaw("/console/experiments", form(prompt, dataset, exactMatch(), Map.of()), Map.of());

        for (var response : java.util.List.of(create, upload, start)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("This form has expired");
        }
        assertThat(datasetCount()).isEqualTo(1);
        assertThat(versions(dataset)).isEqualTo(1);
        assertThat(experimentCount()).isZero();
    }

    private static Map<String, String> form(String prompt, String dataset, String evaluator, Map<String, String> more) {
        var form = new LinkedHashMap<String, String>();
        form.put("promptId", prompt);
        form.put("datasetId", dataset);
        form.put("evaluatorId", evaluator);
        form.putAll(more);
        return form;
    }

    private static String idIn(String location) {
        var matcher = LOCATION_ID.matcher(location);
        assertThat(matcher.find()).as(location).isTrue();
        return matcher.group(1);
    }

    /** The path of the page's link with this id, as the browser would follow it. */
    private static String link(String page, String id) {
        var matcher = Pattern.compile("href=\"([^\"]+)\" id=\"" + id + "\"").matcher(page);
        assertThat(matcher.find()).as(id).isTrue();
        String href = matcher.group(1).replace("&amp;", "&");
        return href.contains("#") ? href.substring(0, href.indexOf('#')) : href;
    }

    private void awaitEnded(String id) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String status = jdbc.sql("SELECT status FROM experiments WHERE id = ?")
                            .param(UUID.fromString(id))
                            .query(String.class)
                            .single();
                    return !status.equals("queued") && !status.equals("running");
                });
    }

    private String startByApi(String prompt, String dataset, String evaluator) {
        var created = http.postJson(
                "/api/v1/experiments",
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"evaluators\": [{\"evaluatorId\": \"%s\"}],"
                                .formatted(prompt, dataset, evaluator)
                        + " \"concurrency\": 1}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return Http.json(created).get("id").asString();
    }

    private static String item(String answer, String expected) {
        return "{\"input\": {\"answer\": \"%s\"}, \"expectedOutput\": \"%s\"}".formatted(answer, expected);
    }

    private String dataset(String... items) {
        var created = http.postJson(
                "/api/v1/datasets",
                "{\"name\": \"d-%s\", \"items\": [%s]}".formatted(UUID.randomUUID(), String.join(", ", items)),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private String exactMatch() {
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"exact-%s\", \"type\": \"exact_match\", \"config\": {}}".formatted(UUID.randomUUID()),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private int versions(String dataset) {
        return jdbc.sql("SELECT count(*) FROM dataset_versions WHERE dataset_id = ?")
                .param(UUID.fromString(dataset))
                .query(Integer.class)
                .single();
    }

    private int items(String dataset) {
        return jdbc.sql("SELECT count(*) FROM dataset_items WHERE dataset_id = ?")
                .param(UUID.fromString(dataset))
                .query(Integer.class)
                .single();
    }

    private int benchmarkCount() {
        return jdbc.sql("SELECT count(*) FROM benchmarks WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }

    private int datasetCount() {
        return jdbc.sql("SELECT count(*) FROM datasets WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }

    private int experimentCount() {
        return jdbc.sql("SELECT count(*) FROM experiments WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
