package dev.promptline.api.executions;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.EventStream;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.RuntimeSidecar;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.RecordedRequest;
import dev.promptline.runtime.testing.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * End to end in the production shape: HTTP to the api, gRPC over a real port to the runtime running as its own process
 * (the sidecar), HTTP from the runtime to a fake provider on loopback, and the record in PostgreSQL, for every provider
 * kind, plain and streamed. Last, the sidecar goes away: executions are refused with 503 and recorded as failed.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarExecutionsIT extends AuthenticatedApi {
    private static final int RUNTIME_PORT = ServiceProcess.freePort();
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final FakeProvider ANTHROPIC = FakeProvider.anthropic();
    /** Named by the Anthropic model's credential and set only in the sidecar's environment, where it is read. */
    private static final String ANTHROPIC_KEY_VARIABLE = "FAKE_ANTHROPIC_API_KEY";

    private static ServiceProcess sidecar;

    @BeforeAll
    static void startTheSidecar() {
        Reply reply = Reply.stream("Category", ":", " billing").inputTokens(1000);
        OPENAI.setDefault(reply);
        ANTHROPIC.setDefault(reply);
        sidecar = RuntimeSidecar.start(
                RUNTIME_PORT, Map.of("MODEL_ALLOWED_HOSTS", "127.0.0.1", ANTHROPIC_KEY_VARIABLE, "sk-ant-test"));
    }

    @DynamicPropertySource
    static void theSidecarAndProvidersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.runtime.address", () -> "localhost:" + RUNTIME_PORT);
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopAll() {
        sidecar.close();
        OPENAI.close();
        ANTHROPIC.close();
    }

    String owner;
    Registry registry;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        registry = new Registry(http, owner);
    }

    /**
     * One provider kind as a user registers it, and what an execution of "Triage: refund" on it must record.
     *
     * @param fake the fake server it calls; null for echo, which calls nothing
     * @param credential the model's credential JSON; null for none
     * @param prices the model's input and output prices per million tokens; null for none
     * @param cost the expected cost from the prices; null when there are none
     * @param authHeader the header that must carry the credential to the provider, and its value
     */
    record Kind(
            String provider,
            String providerModelId,
            @Nullable FakeProvider fake,
            @Nullable String credential,
            Map.@Nullable Entry<String, String> prices,
            String output,
            int inputTokens,
            int outputTokens,
            @Nullable String cost,
            Map.@Nullable Entry<String, String> authHeader) {
        String modelJson() {
            var json = new StringBuilder("{\"provider\": \"%s\", \"name\": \"%s-%s\", \"providerModelId\": \"%s\""
                    .formatted(provider, provider, UUID.randomUUID(), providerModelId));
            if (fake != null) {
                json.append(", \"baseUrl\": \"").append(fake.baseUrl()).append('"');
            }
            if (credential != null) {
                json.append(", \"credential\": ").append(credential);
            }
            if (prices != null) {
                json.append(", \"inputPricePerMillion\": ").append(prices.getKey());
                json.append(", \"outputPricePerMillion\": ").append(prices.getValue());
            }
            return json.append('}').toString();
        }

        @Override
        public String toString() {
            return provider;
        }
    }

    static Stream<Arguments> kindsPlainAndStreamed() {
        String answer = "Category: billing";
        var kinds = List.of(
                new Kind(
                        "openai",
                        "gpt-4o-mini",
                        OPENAI,
                        "{\"apiKey\": \"sk-openai-test\"}",
                        Map.entry("2.5", "10"),
                        answer,
                        1000,
                        3,
                        "0.00253", // 1000 × 2.5 / 1M + 3 × 10 / 1M
                        Map.entry("Authorization", "Bearer sk-openai-test")),
                new Kind(
                        "anthropic",
                        "claude-test",
                        ANTHROPIC,
                        "{\"envVar\": \"" + ANTHROPIC_KEY_VARIABLE + "\"}",
                        Map.entry("3", "15"),
                        answer,
                        1000,
                        3,
                        "0.003045", // 1000 × 3 / 1M + 3 × 15 / 1M
                        Map.entry("x-api-key", "sk-ant-test")),
                new Kind(
                        "huggingface",
                        "meta-llama/Llama-3.1-8B-Instruct",
                        OPENAI,
                        "{\"apiKey\": \"hf_test\"}",
                        Map.entry("0.5", "1"),
                        answer,
                        1000,
                        3,
                        "0.000503", // 1000 × 0.5 / 1M + 3 × 1 / 1M
                        Map.entry("Authorization", "Bearer hf_test")),
                // A self-hosted OpenAI-compatible server: no key, no prices, so no cost.
                new Kind("custom", "llama3", OPENAI, null, null, answer, 1000, 3, null, null),
                // Echo calls nothing and streams the prompt back; tokens are words.
                new Kind(
                        "echo",
                        "echo",
                        null,
                        null,
                        Map.entry("1", "2"),
                        "Triage: refund",
                        2,
                        2,
                        "0.000006", // 2 × 1 / 1M + 2 × 2 / 1M
                        null));
        return kinds.stream().flatMap(kind -> Stream.of(Arguments.of(kind, false), Arguments.of(kind, true)));
    }

    @ParameterizedTest(name = "{0}, streamed: {1}")
    @MethodSource("kindsPlainAndStreamed")
    @Order(1)
    void anExecutionGoesThroughTheSidecarToTheProviderAndIsRecorded(Kind kind, boolean streamed) {
        String prompt = registry.prompt(registry.model(kind.modelJson()), "Triage: {{ticket}}");
        int requestsBefore = kind.fake() == null ? 0 : kind.fake().requestCount();
        String path = "/api/v1/prompts/" + prompt + "/execute";
        String body = "{\"variables\": {\"ticket\": \"refund\"}, \"timeout\": \"20s\", \"stream\": " + streamed + "}";

        JsonNode execution;
        if (streamed) {
            try (var stream = EventStream.open(http, path, body, owner)) {
                EventStream.Event started = stream.require();
                List<EventStream.Event> rest = stream.rest();
                assertThat(started.name()).isEqualTo("started");
                assertThat(rest).isNotEmpty();
                assertThat(rest.subList(0, rest.size() - 1))
                        .extracting(EventStream.Event::name)
                        .containsOnly("token_delta");
                assertThat(rest.subList(0, rest.size() - 1).stream()
                                .map(event -> event.data().get("text").asString())
                                .collect(Collectors.joining()))
                        .isEqualTo(kind.output());
                EventStream.Event last = rest.getLast();
                assertThat(last.name()).as(last.data().toString()).isEqualTo("completed");
                execution = last.data();
                assertThat(execution.get("id").asString())
                        .isEqualTo(started.data().get("executionId").asString());
            }
        } else {
            var response = http.postJson(path, body, owner);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            execution = Http.json(response);
        }

        assertThat(execution.get("status").asString()).isEqualTo("succeeded");
        assertThat(execution.get("provider").asString()).isEqualTo(kind.provider());
        assertThat(execution.get("output").asString()).isEqualTo(kind.output());
        assertThat(execution.get("usage").get("inputTokens").asInt()).isEqualTo(kind.inputTokens());
        assertThat(execution.get("usage").get("outputTokens").asInt()).isEqualTo(kind.outputTokens());
        if (kind.cost() == null) {
            assertThat(execution.has("costUsd")).isFalse();
        } else {
            assertThat(execution.get("costUsd").decimalValue()).isEqualByComparingTo(kind.cost());
        }

        ExecutionRow row = ExecutionRow.read(jdbc, execution.get("id").asString());
        assertThat(row.status()).isEqualTo("succeeded");
        assertThat(row.provider()).isEqualTo(kind.provider());
        assertThat(row.output()).isEqualTo(kind.output());
        assertThat(row.tokensInput()).isEqualTo(kind.inputTokens());
        assertThat(row.tokensOutput()).isEqualTo(kind.outputTokens());
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.finishReason()).isEqualTo("stop");
        assertThat(row.errorCode()).isNull();
        assertThat(row.latencyMs()).isNotNull().isNotNegative();
        if (kind.cost() == null) {
            assertThat(row.costUsd()).isNull();
        } else {
            assertThat(row.costUsd()).isEqualByComparingTo(kind.cost());
        }
        assertThat(row.startedAt()).isNotNull().isAfterOrEqualTo(row.createdAt());
        assertThat(row.finishedAt()).isNotNull().isAfterOrEqualTo(row.startedAt());

        if (kind.fake() != null) {
            assertThat(kind.fake().requestCount()).isEqualTo(requestsBefore + 1);
            RecordedRequest sent = kind.fake().requests().get(requestsBefore);
            assertThat(sent.body()).contains("Triage: refund").contains(kind.providerModelId());
            if (kind.authHeader() != null) {
                assertThat(sent.header(kind.authHeader().getKey()))
                        .isEqualTo(kind.authHeader().getValue());
            }
        }
    }

    @Test
    @Order(2)
    void withTheSidecarGoneAnExecuteIsARuntimeUnavailableProblemAndAFailedRecord() throws InterruptedException {
        String prompt = registry.prompt(registry.echoModel(), "hi");
        String path = "/api/v1/prompts/" + prompt + "/execute";
        assertThat(sidecar.terminate(Duration.ofSeconds(30)))
                .as(sidecar.output())
                .isZero();

        for (boolean streamed : new boolean[] {false, true}) {
            var request = http.request(path)
                    .header("Authorization", owner)
                    .header("Content-Type", "application/json")
                    .header("Accept", streamed ? "text/event-stream" : "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stream\": " + streamed + "}"))
                    .build();
            var response = http.send(request);

            // No event was sent before the runtime refused, so even a streamed request gets a plain problem.
            JsonNode problem = assertProblem(response, 503, "RUNTIME_UNAVAILABLE", path);
            assertThat(problem.get("errorCode").asString()).isEqualTo("runtime_unavailable");
            ExecutionRow row =
                    ExecutionRow.read(jdbc, problem.get("executionId").asString());
            assertThat(row.status()).isEqualTo("failed");
            assertThat(row.errorCode()).isEqualTo("runtime_unavailable");
            assertThat(row.errorMessage()).contains("not reachable");
            assertThat(row.startedAt()).as("the runtime never started it").isNull();
            assertThat(row.finishedAt()).isNotNull();
        }
    }
}
