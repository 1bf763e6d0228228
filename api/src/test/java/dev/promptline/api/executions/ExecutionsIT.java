package dev.promptline.api.executions;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Executing a prompt through the in-process runtime, and the records it leaves; mostly without streaming, all with the
 * default heartbeat.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ExecutionsIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.retry-initial-backoff", () -> "1ms");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        OPENAI.reset(Reply.stream("Category", ":", " billing").inputTokens(1000));
    }

    @Test
    void anEchoExecutionReturnsTheRecordItWrote() {
        String model = model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");
        String prompt = prompt(model, "Triage: {{ticket}}");

        var response = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"charged twice\"}}", owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode execution = Http.json(response);
        assertThat(execution.get("status").asString()).isEqualTo("succeeded");
        assertThat(execution.get("output").asString()).isEqualTo("Triage: charged twice");
        assertThat(execution.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(execution.get("provider").asString()).isEqualTo("echo");
        assertThat(execution.get("usage").get("outputTokens").asInt()).isEqualTo(3);
        assertThat(execution.get("input").get("variables").get("ticket").asString())
                .isEqualTo("charged twice");
        String id = execution.get("id").asString();
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/executions/" + id);

        JsonNode stored = Http.json(http.get("/api/v1/executions/" + id, owner));
        assertThat(stored.get("status").asString()).isEqualTo("succeeded");
        assertThat(stored.get("output").asString()).isEqualTo("Triage: charged twice");
        assertThat(stored.get("latencyMs").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(stored.get("startedAt").isNull()).isFalse();
        assertThat(stored.get("finishedAt").isNull()).isFalse();
        assertThat(stored.get("requestId").asString()).isNotBlank();
    }

    @Test
    void aProviderExecutionRecordsTokensAndCostFromTheModelsPrices() {
        String model = openAiModel(", \"inputPricePerMillion\": 2.5, \"outputPricePerMillion\": 10");
        String prompt = prompt(model, "Triage: {{ticket}}");

        JsonNode execution = Http.json(http.postJson(
                "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"refund\"}}", owner));

        assertThat(execution.get("output").asString()).isEqualTo("Category: billing");
        assertThat(execution.get("usage").get("inputTokens").asInt()).isEqualTo(1000);
        assertThat(execution.get("usage").get("outputTokens").asInt()).isEqualTo(3);
        // 1000 × 2.5 / 1M + 3 × 10 / 1M
        assertThat(execution.get("costUsd").decimalValue()).isEqualByComparingTo("0.00253");
        assertThat(execution.get("finishReason").asString()).isEqualTo("stop");
        assertThat(execution.get("attempts").asInt()).isEqualTo(1);
        JsonNode stored =
                Http.json(http.get("/api/v1/executions/" + execution.get("id").asString(), owner));
        assertThat(stored.get("costUsd").decimalValue()).isEqualByComparingTo("0.00253");
    }

    @Test
    void aMissingOrUnknownVariableIsRefusedBeforeAnyRecordIsWritten() {
        String prompt = prompt(
                model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}"), "{{ticket}}");

        var missing = http.postJson("/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {}}", owner);
        var unknown = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"x\", \"product\": \"y\"}}",
                owner);

        assertProblem(missing, 400, "INVALID_REQUEST", "/api/v1/prompts/" + prompt + "/execute");
        assertThat(missing.body()).contains("ticket");
        assertProblem(unknown, 400, "INVALID_REQUEST", "/api/v1/prompts/" + prompt + "/execute");
        assertThat(unknown.body()).contains("product");
        assertThat(executionCount()).isZero();
    }

    @Test
    void aVersionWithoutAModelNeedsOneInTheRequest() {
        String prompt = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"no-model\", \"template\": {\"format\": \"text\", \"text\": \"hi\"}}",
                        owner))
                .get("id")
                .asString();
        String echo = model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");

        var refused = http.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner);
        var accepted =
                http.postJson("/api/v1/prompts/" + prompt + "/execute", "{\"modelId\": \"" + echo + "\"}", owner);

        assertProblem(refused, 400, "INVALID_REQUEST", "/api/v1/prompts/" + prompt + "/execute");
        assertThat(refused.body()).contains("#/modelId");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void aDisabledModelIsRefused() {
        String model = model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");
        String prompt = prompt(model, "hi");
        http.patchJson("/api/v1/models/" + model, "{\"enabled\": false}", owner);

        assertProblem(
                http.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner),
                422,
                "MODEL_DISABLED",
                "/api/v1/prompts/" + prompt + "/execute");
        assertThat(executionCount()).isZero();
    }

    @Test
    void theProductionLabelIsRunByDefaultAndAVersionCanBeChosen() {
        String model = model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");
        String prompt = prompt(model, "first");
        http.postJson(
                "/api/v1/prompts/" + prompt + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + model
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"second\"}}",
                owner);

        assertThat(output(prompt, "{}")).isEqualTo("second");
        http.putJson("/api/v1/prompts/" + prompt + "/labels/production", "{\"version\": 1}", owner);
        assertThat(output(prompt, "{}")).isEqualTo("first");
        assertThat(output(prompt, "{\"version\": 2}")).isEqualTo("second");
    }

    @Test
    void aFailingProviderIsABadGatewayAndAFailedRecord() {
        String prompt = prompt(openAiModel(""), "hi");
        OPENAI.enqueue(Reply.unavailable(), Reply.unavailable(), Reply.unavailable());

        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner);

        assertProblem(response, 502, "PROVIDER_UNAVAILABLE", "/api/v1/prompts/" + prompt + "/execute");
        JsonNode stored = Http.json(http.get(
                "/api/v1/executions/" + Http.json(response).get("executionId").asString(), owner));
        assertThat(stored.get("status").asString()).isEqualTo("failed");
        assertThat(stored.get("error").get("code").asString()).isEqualTo("provider_unavailable");
        assertThat(stored.get("attempts").asInt()).isEqualTo(3);
        assertThat(stored.get("finishedAt").isNull()).isFalse();
    }

    @Test
    void aProviderSlowerThanTheTimeoutIsAGatewayTimeoutAndATimedOutRecord() {
        String prompt = prompt(openAiModel(""), "hi");
        OPENAI.enqueue(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(10)));

        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", "{\"timeout\": \"0.5s\"}", owner);

        assertProblem(response, 504, "EXECUTION_TIMED_OUT", "/api/v1/prompts/" + prompt + "/execute");
        JsonNode stored = Http.json(http.get(
                "/api/v1/executions/" + Http.json(response).get("executionId").asString(), owner));
        assertThat(stored.get("status").asString()).isEqualTo("timed_out");
        assertThat(stored.get("error").get("code").asString()).isEqualTo("timeout");
    }

    @Test
    void aPlainExecutionStoppedMidAnswerKeepsWhatWasStreamed() {
        // A plain caller is not handed the tokens as they come; the call collects them, and the record keeps them.
        String prompt = prompt(openAiModel(""), "hi");
        OPENAI.enqueue(
                Reply.stream("a", "b", "c", "d", "e", "f", "g", "h", "i", "j").tokenInterval(Duration.ofMillis(300)));

        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", "{\"timeout\": \"1.5s\"}", owner);

        assertProblem(response, 504, "EXECUTION_TIMED_OUT", "/api/v1/prompts/" + prompt + "/execute");
        JsonNode stored = Http.json(http.get(
                "/api/v1/executions/" + Http.json(response).get("executionId").asString(), owner));
        String output = stored.get("output").asString();
        assertThat(output).isNotEmpty().hasSizeLessThan(10);
        assertThat("abcdefghij").startsWith(output);
        assertThat(stored.get("usage").get("outputTokens").asInt()).isEqualTo(output.length());
        assertThat(stored.get("timeToFirstTokenMs").asLong()).isBetween(0L, 1_000L);
    }

    @Test
    void listsExecutionsNewestFirstWithFiltersAndPages() {
        String echo = model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}");
        String first = prompt(echo, "one");
        String second = prompt(echo, "two");
        for (String prompt : new String[] {first, second, first}) {
            http.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner);
        }

        JsonNode page = Http.json(http.get("/api/v1/executions?pageSize=2", owner));
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("items").get(0).get("promptId").asString()).isEqualTo(first);
        JsonNode rest = Http.json(http.get(
                "/api/v1/executions?pageSize=2&pageToken="
                        + page.get("nextPageToken").asString(),
                owner));
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.has("nextPageToken")).isFalse();

        assertThat(Http.json(http.get("/api/v1/executions?promptId=" + first, owner))
                        .get("items"))
                .hasSize(2);
        assertThat(Http.json(http.get("/api/v1/executions?promptId=" + first + "&version=1&status=succeeded", owner))
                        .get("items"))
                .hasSize(2);
        assertThat(Http.json(http.get("/api/v1/executions?status=failed", owner))
                        .get("items"))
                .isEmpty();
        assertProblem(http.get("/api/v1/executions?version=1", owner), 400, "INVALID_PARAMETER", "/api/v1/executions");
    }

    @Test
    void anotherOrganizationsExecutionIsNotFound() {
        String prompt =
                prompt(model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}"), "hi");
        String id = Http.json(http.postJson("/api/v1/prompts/" + prompt + "/execute", "{}", owner))
                .get("id")
                .asString();
        String stranger = tenants.create("globex").owner().bearer();

        assertProblem(
                http.get("/api/v1/executions/" + id, stranger), 404, "RESOURCE_NOT_FOUND", "/api/v1/executions/" + id);
        assertThat(Http.json(http.get("/api/v1/executions", stranger)).get("items"))
                .isEmpty();
    }

    @Test
    void aViewerCannotExecute() {
        String prompt =
                prompt(model("{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}"), "hi");

        assertProblem(
                http.postJson(
                        "/api/v1/prompts/" + prompt + "/execute",
                        "{}",
                        acme.member("viewer").bearer()),
                403,
                "FORBIDDEN",
                "/api/v1/prompts/" + prompt + "/execute");
    }

    private String output(String prompt, String body) {
        var response = http.postJson("/api/v1/prompts/" + prompt + "/execute", body, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("output").asString();
    }

    /**
     * Here the heartbeat is the default 15 s: a client gone before the first token is found by the short probes
     * before it, not by the heartbeat, and the provider request stops with it.
     */
    @Test
    void aStreamingClientGoneBeforeTheFirstTokenIsNoticedWithinAboutASecond() {
        String prompt = prompt(openAiModel(""), "Triage: {{ticket}}");
        int request = OPENAI.requestCount();
        OPENAI.enqueue(Reply.stream("late").firstTokenAfter(Duration.ofSeconds(60)));
        String id;
        try (var stream = EventStream.open(
                http, "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"ticket\": \"x\"}}", owner)) {
            id = stream.require().data().get("executionId").asString();
        }

        await().atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(Http.json(http.get("/api/v1/executions/" + id, owner))
                                .get("status")
                                .asString())
                        .isEqualTo("cancelled"));
        OPENAI.clientClosed(request).orTimeout(3, TimeUnit.SECONDS).join();
    }

    private String openAiModel(String extra) {
        return model("{\"provider\": \"custom\", \"name\": \"fake-" + UUID.randomUUID()
                + "\", \"providerModelId\": \"gpt-test\", " + "\"baseUrl\": \"" + OPENAI.baseUrl()
                + "\", \"credential\": {\"apiKey\": \"sk-test\"}" + extra + "}");
    }

    private String model(String json) {
        var created = http.postJson("/api/v1/models", json, owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private String prompt(String model, String text) {
        var created = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"p-" + UUID.randomUUID() + "\", \"modelId\": \"" + model
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"" + text + "\"}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private int executionCount() {
        return jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :org")
                .param("org", acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
