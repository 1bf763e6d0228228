package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.JsonValue;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Chat completions through the official SDK: saved prompts and registered models, plain and streamed. */
class ChatCompletionsIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aSavedPromptAnswersAsAChatCompletionRecordedAsAnExecution() {
        var response = create(sdk(), promptCall("prompt:triage"));
        ChatCompletion completion = response.completion();

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content()).hasValue("Category: billing");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("prompt:triage");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(7);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(10);
        String executionId = response.executionId();
        assertThat(completion.id()).isEqualTo("chatcmpl-" + executionId);
        JsonNode record = Http.json(http.get("/api/v1/executions/" + executionId, owner));
        assertThat(record.get("status").asString()).isEqualTo("succeeded");
        assertThat(record.get("promptId").asString()).isEqualTo(promptId);
        assertThat(record.get("promptVersion").asInt()).isEqualTo(1);
        assertThat(record.get("input").get("variables").get("ticket").asString())
                .isEqualTo("refund");
        assertThat(lastProviderMessages()).containsExactly("user: Triage refund");
    }

    @Test
    void theClientsMessagesFollowTheRenderedPrompt() {
        sdk().chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("prompt:triage")
                        .addAssistantMessage("Which ticket?")
                        .addUserMessage("The one about my invoice.")
                        .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "refund")))
                        .build());

        assertThat(lastProviderMessages())
                .containsExactly("user: Triage refund", "assistant: Which ticket?", "user: The one about my invoice.");
    }

    @Test
    void aLabelOrAVersionSelectsTheVersion() {
        http.postJson(
                "/api/v1/prompts/" + promptId + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + modelId
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"Version two: {{ticket}}\"}}",
                owner);
        http.putJson("/api/v1/prompts/" + promptId + "/labels/staging", "{\"version\": 2}", owner);

        var byVersion = create(sdk(), promptCall("prompt:triage#1"));
        String first = lastProviderMessages().getFirst();
        sdk().chat().completions().create(promptCall("prompt:triage@staging"));
        String staged = lastProviderMessages().getFirst();
        sdk().chat().completions().create(promptCall("prompt:triage"));
        String newest = lastProviderMessages().getFirst();

        assertThat(first).isEqualTo("user: Triage refund");
        assertThat(staged).isEqualTo("user: Version two: refund");
        assertThat(newest).as("no production label: the newest").isEqualTo("user: Version two: refund");
        assertThat(Http.json(http.get("/api/v1/executions/" + byVersion.executionId(), owner))
                        .get("promptVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void aRegisteredModelGetsTheClientsMessagesAndParametersAndIsRecordedWithoutAPrompt() {
        var response = create(
                sdk(),
                ChatCompletionCreateParams.builder()
                        .model(ChatModel.of("fake"))
                        .addSystemMessage("Be brief.")
                        .addUserMessage("Hello")
                        .temperature(0.25)
                        .topP(0.5)
                        .maxCompletionTokens(42)
                        .stopOfStrings(List.of("END"))
                        .build());

        assertThat(response.completion().choices().getFirst().message().content())
                .hasValue("Category: billing");
        assertThat(lastProviderMessages()).containsExactly("system: Be brief.", "user: Hello");
        JsonNode sent = JSON.readTree(lastProviderRequest().body());
        assertThat(sent.get("model").asString()).isEqualTo("gpt-test");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(sent.get("top_p").asDouble()).isEqualTo(0.5);
        assertThat(
                        sent.has("max_tokens")
                                ? sent.get("max_tokens").asInt()
                                : sent.get("max_completion_tokens").asInt())
                .isEqualTo(42);
        assertThat(sent.get("stop").get(0).asString()).isEqualTo("END");
        JsonNode record = Http.json(http.get("/api/v1/executions/" + response.executionId(), owner));
        assertThat(record.get("status").asString()).isEqualTo("succeeded");
        assertThat(record.hasNonNull("promptId")).isFalse();
        assertThat(record.hasNonNull("promptVersion")).isFalse();
        assertThat(record.get("modelId").asString()).isEqualTo(modelId);
        assertThat(record.get("input").get("messages")).hasSize(2);
        assertThat(record.get("input").get("parameters").get("temperature").asDouble())
                .isEqualTo(0.25);
    }

    @Test
    void aStreamedCompletionArrivesAsChunksWithTheRoleFirstAndTheFinishReasonLast() {
        List<ChatCompletionChunk> chunks;
        try (var stream = sdk().chat().completions().createStreaming(promptCall("prompt:triage"))) {
            chunks = stream.stream().toList();
        }

        assertThat(chunks.getFirst().choices().getFirst().delta().role())
                .hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        assertThat(chunks.stream()
                        .flatMap(chunk -> chunk.choices().stream())
                        .map(choice -> choice.delta().content().orElse(""))
                        .collect(Collectors.joining()))
                .isEqualTo("Category: billing");
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(chunk ->
                        assertThat(chunk.choices().getFirst().finishReason()).isEmpty());
        assertThat(chunks.getLast().choices().getFirst().finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
        assertThat(chunks)
                .extracting(ChatCompletionChunk::id)
                .containsOnly(chunks.getFirst().id());
        String executionId = chunks.getFirst().id().substring("chatcmpl-".length());
        assertThat(executionStatus(executionId)).isEqualTo("succeeded");
    }

    @Test
    void usageComesAsAFinalChunkWithoutChoicesWhenAskedFor() {
        List<ChatCompletionChunk> chunks;
        try (var stream = sdk().chat()
                .completions()
                .createStreaming(promptCall("prompt:triage").toBuilder()
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            chunks = stream.stream().toList();
        }

        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(7);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(10);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void theModelsListNamesRegisteredModelsAndSavedPrompts() {
        List<Model> models = sdk().models().list().data();

        assertThat(models).extracting(Model::id).containsExactlyInAnyOrder("fake", "prompt:triage");
        assertThat(models).extracting(Model::ownedBy).containsOnly("promptline");
    }

    @Test
    void aViewerMayListModelsButNotRunCompletions() {
        var viewer = acme.member("viewer");

        assertThat(sdk(viewer.key()).models().list().data()).isNotEmpty();
        var refused = http.postJson("/v1/chat/completions", body("prompt:triage"), viewer.bearer());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Http.json(refused).get("error").get("type").asString()).isEqualTo("permission_error");
        assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(executionCount()).isZero();
    }

    private static ChatCompletionCreateParams promptCall(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .messages(List.of())
                .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "refund")))
                .build();
    }

    static String body(String model) {
        return "{\"model\": \"" + model + "\", \"messages\": [], \"prompt_variables\": {\"ticket\": \"refund\"}}";
    }

    private RecordedRequest lastProviderRequest() {
        return provider().requests().getLast();
    }

    /** The messages the provider received last, as "role: content". */
    private List<String> lastProviderMessages() {
        JsonNode sent = JSON.readTree(lastProviderRequest().body());
        return sent.get("messages")
                .valueStream()
                .map(message -> message.get("role").asString() + ": "
                        + message.get("content").asString())
                .toList();
    }
}
