package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.executions.ExecutionTrends;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard over real HTTP: the last hour's figures, the per-prompt and per-model tables, the cost per day, and
 * narrowing the charts to one prompt or model. One execution runs through the API; the rest are records written with
 * known latencies and costs, so the percentiles and sums can be checked exactly.
 */
class ConsoleDashboardIT extends AuthenticatedApi {
    private String echo;
    private String prompt;
    private String promptName;
    private ConsoleClient browser;

    @BeforeEach
    void setUp() {
        String owner = acme.owner().bearer();
        var registry = new Registry(http, owner);
        echo = registry.echoModel();
        prompt = registry.prompt(echo, "hello there");
        promptName = Http.json(http.get("/api/v1/prompts/" + prompt, owner))
                .get("name")
                .asString();
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("viewer").key());
    }

    @Test
    void anOrganizationWithoutExecutionsSaysHowToGetSome() {
        String page = browser.get("/console/dashboard").body();

        assertThat(page).contains("id=\"dashboard-empty\"").contains("None in the last 24 hours.");
        assertThat(figure(page, "Executions, last hour")).isEqualTo("0");
        assertThat(figure(page, "Error rate, last hour")).isEqualTo("—");
    }

    @Test
    void theLastHourPerPromptAndPerModelAndCostPerDayAreShownToAViewer() {
        var ran = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{}", acme.owner().bearer());
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        jdbc.sql("UPDATE executions SET latency_ms = 100, cost_usd = 0 WHERE organization_id = ?")
                .param(acme.organizationId)
                .update();
        record(Duration.ofMinutes(5), "succeeded", 200, "0.25");
        record(Duration.ofMinutes(10), "succeeded", 300, "0.25");
        record(Duration.ofMinutes(20), "failed", 400, "0");
        record(Duration.ofDays(3), "succeeded", 50, "1.5");

        var response = browser.get("/console/dashboard");

        assertThat(response.statusCode()).isEqualTo(200);
        String page = response.body();
        assertThat(page).as("the console's top bar").contains("id=\"sign-out\"", "href=\"/console/dashboard\"");
        assertThat(figure(page, "Executions, last hour")).isEqualTo("4");
        assertThat(figure(page, "Error rate, last hour")).isEqualTo("25.0%");
        assertThat(figure(page, "p50 latency, last hour"))
                .as("the lower median of 100, 200, 300, 400")
                .isEqualTo("200 ms");
        assertThat(figure(page, "p95 latency, last hour")).isEqualTo("400 ms");
        assertThat(figure(page, "Cost, last 24 hours")).isEqualTo("$0.5");
        assertThat(page)
                .contains("id=\"executions-chart\"", "id=\"latency-chart\"", "id=\"cost-chart\"")
                .contains("data-chart=\"{&#34;unit&#34;:&#34;count&#34;")
                .doesNotContain("id=\"dashboard-empty\"");
        assertThat(page)
                .as("three days ago's cost, in the table under the chart")
                .contains("<td>$1.5</td>");
        String byPrompt = page.substring(page.indexOf("id=\"by-prompt\""), page.indexOf("id=\"by-model-title\""));
        assertThat(byPrompt).contains(promptName, "<td data-label=\"Executions\">4</td>", "25.0%", "$0.5");
        assertThat(page.substring(page.indexOf("id=\"by-model\""))).contains("echo-");
    }

    @Test
    void theLastHourIsExactToTheViewWhileTheLastDaysFiguresAreSharedForAFewSeconds() {
        record(Duration.ofMinutes(5), "succeeded", 200, "0.25");
        String first = browser.get("/console/dashboard").body();
        assertThat(figure(first, "Executions, last hour")).isEqualTo("1");
        assertThat(figure(first, "Cost, last 24 hours")).isEqualTo("$0.25");
        assertThat(first).contains("may be up to 15 seconds behind");

        record(Duration.ofMinutes(2), "succeeded", 300, "0.5");
        String next = browser.get("/console/dashboard").body();

        assertThat(figure(next, "Executions, last hour")).isEqualTo("2");
        assertThat(figure(next, "Cost, last 24 hours"))
                .as("read again at most %s after the first view", ExecutionTrends.LAST_DAY_KEPT)
                .isEqualTo("$0.25");
    }

    @Test
    void theChartsNarrowToOnePromptOrModelAndAMalformedIdIsSaidSo() {
        record(Duration.ofMinutes(1), "succeeded", 200, "0.25");
        String other = new Registry(http, acme.owner().bearer()).echoModel();

        assertThat(figure(browser.get("/console/dashboard?promptId=" + prompt).body(), "Executions, last hour"))
                .isEqualTo("1");
        String narrowed = browser.get("/console/dashboard?modelId=" + other).body();
        assertThat(figure(narrowed, "Executions, last hour")).isEqualTo("0");
        assertThat(narrowed).contains("No executions in the last 30 days for this choice");

        var bad = browser.get("/console/dashboard?promptId=not-an-id");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("That prompt or model is not one of the choices");
        assertThat(figure(bad.body(), "Executions, last hour")).isEqualTo("1");
    }

    private void record(Duration ago, String status, int latencyMs, String cost) {
        jdbc.sql("""
                        INSERT INTO executions (id, organization_id, prompt_id, model_id, provider, provider_model_id,
                                               input, status, error_code, latency_ms, cost_usd, created_at, finished_at)
                        VALUES (?, ?, ?, ?, 'echo', 'echo', '{}', ?, ?, ?, ?, now() - CAST(? AS interval),
                                now() - CAST(? AS interval))
                        """)
                .params(
                        UUID.randomUUID(),
                        acme.organizationId,
                        UUID.fromString(prompt),
                        UUID.fromString(echo),
                        status,
                        status.equals("failed") ? "provider_error" : null,
                        latencyMs,
                        new BigDecimal(cost),
                        ago.toSeconds() + " seconds",
                        ago.toSeconds() + " seconds")
                .update();
    }

    private static String figure(String page, String name) {
        var matcher = Pattern.compile("<dt>" + Pattern.quote(name) + "</dt><dd>([^<]*)</dd>")
                .matcher(page);
        assertThat(matcher.find()).as(name).isTrue();
        return matcher.group(1);
    }
}
