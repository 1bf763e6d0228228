package dev.promptline.api.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Spend caps over real executions: a model at 10,000 USD per million output tokens, asked for at most 10, so each
 * execution's worst case is 0.1 USD and each answer (3 tokens) costs 0.03 USD.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class BudgetsIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String EXECUTE =
            "{\"variables\": {\"ticket\": \"refund\"}, \"parameters\": {\"maxTokens\": 10}}";

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    String owner;
    String prompt;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing"));
        String model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"priced-" + UUID.randomUUID()
                                + "\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \"" + OPENAI.baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 10000}",
                        owner))
                .get("id")
                .asString();
        prompt = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"p-" + UUID.randomUUID() + "\", \"modelId\": \"" + model
                                + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage {{ticket}}\"}}",
                        owner))
                .get("id")
                .asString();
    }

    @Test
    void ownersSetCapsThatEveryMemberCanRead() {
        var created = http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 12.5}", owner);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode budget = Http.json(created);
        assertThat(budget.get("scope").asString()).isEqualTo("organization");
        assertThat(budget.get("remainingUsd").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(budget.get("resetsAt").asString())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC)
                        .plusDays(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toString());
        assertThat(created.headers().firstValue("Location"))
                .hasValue("/api/v1/budgets/" + budget.get("id").asString());

        String viewer = acme.member("viewer").bearer();
        JsonNode listed = Http.json(http.get("/api/v1/budgets", viewer));
        assertThat(listed.get("items")).hasSize(1);
        assertThat(http.postJson("/api/v1/budgets", "{\"period\": \"month\", \"limitUsd\": 1}", viewer)
                        .statusCode())
                .isEqualTo(403);

        var changed = http.patchJson("/api/v1/budgets/" + budget.get("id").asString(), "{\"limitUsd\": 20}", owner);
        assertThat(Http.json(changed).get("limitUsd").decimalValue()).isEqualByComparingTo("20");
    }

    @Test
    void aBadOrDuplicateCapIsRefusedAndChangesNothing() {
        assertThat(http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 5}", owner)
                        .statusCode())
                .isEqualTo(201);

        var duplicate = http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 9}", owner);
        var week = http.postJson("/api/v1/budgets", "{\"period\": \"week\", \"limitUsd\": 9}", owner);
        var negative = http.postJson("/api/v1/budgets", "{\"period\": \"month\", \"limitUsd\": -1}", owner);
        var unknownKey = http.postJson(
                "/api/v1/budgets",
                "{\"period\": \"month\", \"limitUsd\": 1, \"apiKeyId\": \"" + UUID.randomUUID() + "\"}",
                owner);

        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(Http.json(duplicate).get("code").asString()).isEqualTo("CONFLICT");
        assertThat(week.statusCode()).as(week.body()).isEqualTo(400);
        assertThat(negative.statusCode()).as(negative.body()).isEqualTo(400);
        assertThat(unknownKey.statusCode()).as(unknownKey.body()).isEqualTo(400);
        JsonNode listed = Http.json(http.get("/api/v1/budgets", owner));
        assertThat(listed.get("items")).hasSize(1);
        assertThat(listed.get("items").get(0).get("limitUsd").decimalValue()).isEqualByComparingTo("5");
    }

    @Test
    void executionsSpendFromTheCapUntilTheNextOneCouldOvershootIt() {
        http.postJson("/api/v1/budgets", "{\"period\": \"month\", \"limitUsd\": 0.2}", owner);

        // Each holds 0.1 and spends 0.03: the fifth would need 0.12 + 0.1 > 0.2.
        for (int i = 0; i < 4; i++) {
            assertThat(execute(owner).statusCode()).isEqualTo(200);
        }
        int recorded = executions();
        HttpResponse<String> refused = execute(owner);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
        JsonNode problem = Http.json(refused);
        assertThat(problem.get("code").asString()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(problem.get("period").asString()).isEqualTo("month");
        assertThat(problem.get("remainingUsd").decimalValue()).isEqualByComparingTo("0.08");
        assertThat(problem.get("resetsAt").asString())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC)
                        .withDayOfMonth(1)
                        .plusMonths(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toString());
        assertThat(executions()).as("a refused execution leaves no record").isEqualTo(recorded);
        JsonNode budget =
                Http.json(http.get("/api/v1/budgets", owner)).get("items").get(0);
        assertThat(budget.get("spentUsd").decimalValue()).isEqualByComparingTo("0.12");
        assertThat(budget.get("reservedUsd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void concurrentExecutionsNeverSpendPastTheCap() {
        http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 0.25}", owner);

        var answers = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> execute(owner)))
                .toList();
        var statuses = new ArrayList<Integer>();
        answers.forEach(answer -> statuses.add(answer.join().statusCode()));

        long succeeded = statuses.stream().filter(status -> status == 200).count();
        assertThat(statuses).containsOnly(200, 402);
        // Sequentially, 0.03 × k + 0.1 ≤ 0.25 lets at most 5 run; at once, fewer.
        assertThat(succeeded).isBetween(1L, 5L);
        JsonNode budget =
                Http.json(http.get("/api/v1/budgets", owner)).get("items").get(0);
        assertThat(budget.get("spentUsd").decimalValue())
                .isEqualByComparingTo(new BigDecimal("0.03").multiply(BigDecimal.valueOf(succeeded)))
                .isLessThanOrEqualTo(new BigDecimal("0.25"));
        assertThat(budget.get("reservedUsd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aKeysCapStopsThatKeyAloneOnEveryRoute() {
        Tenants.Member capped = acme.member("member");
        UUID key = jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(capped.userId())
                .query(UUID.class)
                .single();
        var created = http.postJson(
                "/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 0.05, \"apiKeyId\": \"" + key + "\"}", owner);
        assertThat(Http.json(created).get("scope").asString()).isEqualTo("api_key");

        assertThat(execute(capped.bearer()).statusCode()).isEqualTo(402);
        assertThat(execute(owner).statusCode()).isEqualTo(200);
        String promptName = Http.json(http.get("/api/v1/prompts/" + prompt, owner))
                .get("name")
                .asString();
        var openAi = http.postJson(
                "/v1/chat/completions",
                "{\"model\": \"prompt:" + promptName
                        + "\", \"max_tokens\": 10, \"prompt_variables\": {\"ticket\": \"refund\"}}",
                capped.bearer());

        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(429);
        assertThat(openAi.headers().firstValue("x-should-retry")).hasValue("false");
        JsonNode error = Http.json(openAi).get("error");
        assertThat(error.get("type").asString()).isEqualTo("insufficient_quota");
        assertThat(error.get("code").asString()).isEqualTo("insufficient_quota");
    }

    @Test
    void theWorstCaseIsTheDearestModelThatMayAnswer() {
        String dearer = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"custom\", \"name\": \"dearer-" + UUID.randomUUID()
                                + "\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \"" + OPENAI.baseUrl()
                                + "\", \"credential\": {\"apiKey\": \"sk-test\"}, \"outputPricePerMillion\": 30000}",
                        owner))
                .get("id")
                .asString();
        http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 0.25}", owner);

        var withFallback = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"refund\"}, \"parameters\": {\"maxTokens\": 10},"
                        + " \"fallbackModelIds\": [\"" + dearer + "\"]}",
                owner);

        // 10 tokens at 30,000 USD per million, if the fallback answers: 0.3 > 0.25.
        assertThat(withFallback.statusCode()).as(withFallback.body()).isEqualTo(402);
        assertThat(execute(owner).statusCode()).isEqualTo(200);
    }

    @Test
    void anExecutionUnderACapWithNoOutputLimitIsSentWithOne() {
        http.postJson("/api/v1/budgets", "{\"period\": \"day\", \"limitUsd\": 100}", owner);
        int before = OPENAI.requestCount();

        var response = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"refund\"}}", owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(OPENAI.requests().get(before).body()).contains("4096");
        JsonNode budget =
                Http.json(http.get("/api/v1/budgets", owner)).get("items").get(0);
        assertThat(budget.get("spentUsd").decimalValue()).isEqualByComparingTo("0.03");
    }

    private HttpResponse<String> execute(String bearer) {
        return http.postJson("/api/v1/prompts/" + prompt + "/execute", EXECUTE, bearer);
    }

    private int executions() {
        return jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
