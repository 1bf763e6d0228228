package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponsePrompt;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A traffic split on the prompt {@code triage}'s {@code production} label (versions 1 and 2, half each) through the
 * official SDK: OpenAI's {@code user} (or the extra field {@code split_key}) keeps a caller on one arm, on chat
 * completions and responses alike.
 */
// 20 callers making 3 calls each, and reading each record back, exceed one key's burst: this measures the split.
@TestPropertySource(
        properties = {"promptline.rate-limit.requests-per-minute=100000000", "promptline.rate-limit.burst=100000000"})
class TrafficSplitsIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    String splitId;

    @BeforeEach
    void splitProduction() {
        var added = http.postJson(
                "/api/v1/prompts/" + promptId + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + modelId
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"Triage, v2: {{ticket}}\"}}",
                owner);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(http.putJson("/api/v1/prompts/" + promptId + "/labels/production", "{\"version\": 1}", owner)
                        .statusCode())
                .isEqualTo(200);
        var split = http.putJson(
                "/api/v1/prompts/" + promptId + "/labels/production/split",
                "{\"arms\": [{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1}]}",
                owner);
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
        splitId = Http.json(split).get("id").asString();
    }

    @Test
    void theUserFieldKeepsACallerOnOneArmAndUsersSpreadOverBoth() {
        Set<Integer> seen = new HashSet<>();
        for (int user = 0; user < 20; user++) {
            Set<Integer> versions = new HashSet<>();
            for (int call = 0; call < 3; call++) {
                var answer = create(
                        sdk(),
                        ChatCompletionCreateParams.builder()
                                .model("prompt:triage@production")
                                .messages(List.of())
                                .user("user-" + user)
                                .putAdditionalBodyProperty(
                                        "prompt_variables", JsonValue.from(Map.of("ticket", "refund")))
                                .build());
                JsonNode record = record(answer.executionId());
                assertThat(record.get("splitId").asString()).isEqualTo(splitId);
                assertThat(record.get("label").asString()).isEqualTo("production");
                versions.add(record.get("promptVersion").asInt());
            }
            assertThat(versions).as("user-%d", user).hasSize(1);
            seen.addAll(versions);
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void theSameKeyRunsTheSameArmOnChatCompletionsAndResponses() {
        for (int user = 0; user < 8; user++) {
            String key = "session-" + user;
            var chat = create(
                    sdk(),
                    ChatCompletionCreateParams.builder()
                            .model("prompt:triage")
                            .messages(List.of())
                            .putAdditionalBodyProperty("split_key", JsonValue.from(key))
                            .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "x")))
                            .build());
            String responseExecution;
            try (var raw = sdk().responses()
                    .withRawResponse()
                    .create(ResponseCreateParams.builder()
                            .prompt(ResponsePrompt.builder()
                                    .id("triage")
                                    .version("production")
                                    .variables(ResponsePrompt.Variables.builder()
                                            .putAdditionalProperty("ticket", JsonValue.from("x"))
                                            .build())
                                    .build())
                            .user(key)
                            .build())) {
                responseExecution =
                        raw.headers().values("x-promptline-execution-id").getFirst();
            }

            assertThat(record(responseExecution).get("promptVersion").asInt())
                    .as(key)
                    .isEqualTo(record(chat.executionId()).get("promptVersion").asInt());
            assertThat(record(responseExecution).get("splitId").asString()).isEqualTo(splitId);
        }
    }

    @Test
    void aSplitChangedAfterThePromptWasCachedIsSeenByTheNextCall() {
        // Weights that send every key to version 2, then to version 1: each change must evict the cached prompt.
        putSplit("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1000000}]");
        assertThat(versionFor("alice")).isEqualTo(2);

        putSplit("[{\"version\": 1, \"weight\": 1000000}, {\"version\": 2, \"weight\": 1}]");
        assertThat(versionFor("alice")).isEqualTo(1);

        putSplit("[{\"version\": 1, \"weight\": 1}, {\"version\": 2, \"weight\": 1000000}]");
        assertThat(versionFor("alice")).isEqualTo(2);
        assertThat(http.delete("/api/v1/prompts/" + promptId + "/labels/production/split", owner)
                        .statusCode())
                .isEqualTo(204);
        var answer = create(
                sdk(),
                ChatCompletionCreateParams.builder()
                        .model("prompt:triage@production")
                        .messages(List.of())
                        .user("alice")
                        .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "x")))
                        .build());
        JsonNode record = record(answer.executionId());
        assertThat(record.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(record.has("splitId")).isFalse();
    }

    private void putSplit(String arms) {
        var split = http.putJson(
                "/api/v1/prompts/" + promptId + "/labels/production/split", "{\"arms\": " + arms + "}", owner);
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
    }

    private int versionFor(String user) {
        var answer = create(
                sdk(),
                ChatCompletionCreateParams.builder()
                        .model("prompt:triage@production")
                        .messages(List.of())
                        .user(user)
                        .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "x")))
                        .build());
        return record(answer.executionId()).get("promptVersion").asInt();
    }

    private JsonNode record(String executionId) {
        return Http.json(http.get("/api/v1/executions/" + executionId, owner));
    }
}
