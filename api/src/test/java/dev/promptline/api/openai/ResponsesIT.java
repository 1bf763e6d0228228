package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponsePrompt;
import com.openai.models.responses.ResponseStreamEvent;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Responses API with a saved prompt through the official SDK's native {@code prompt} field, plain and streamed. */
class ResponsesIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    @Test
    void aPromptReferenceAnswersAsAResponseRecordedAsAnExecution() {
        Response response;
        String executionId;
        try (var raw = sdk().responses().withRawResponse().create(prompt("1", Map.of("ticket", "refund")))) {
            response = raw.parse();
            executionId = raw.headers().values("x-promptline-execution-id").getFirst();
        }

        assertThat(response.id()).isEqualTo("resp_" + executionId);
        assertThat(response.status())
                .hasValueSatisfying(status -> assertThat(status.asString()).isEqualTo("completed"));
        assertThat(response.output()
                        .getFirst()
                        .asMessage()
                        .content()
                        .getFirst()
                        .asOutputText()
                        .text())
                .isEqualTo("Category: billing");
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(7);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(10);
        assertThat(response.prompt().orElseThrow().id()).isEqualTo("triage");
        JsonNode record = Http.json(http.get("/api/v1/executions/" + executionId, owner));
        assertThat(record.get("status").asString()).isEqualTo("succeeded");
        assertThat(record.get("promptId").asString()).isEqualTo(promptId);
        assertThat(record.get("promptVersion").asInt()).isEqualTo(1);
    }

    @Test
    void aStreamedResponseSendsTheResponseEventsInOrder() {
        List<ResponseStreamEvent> events;
        try (var stream = sdk().responses().createStreaming(prompt(null, Map.of("ticket", "refund")))) {
            events = stream.stream().toList();
        }

        assertThat(events.stream()
                        .filter(ResponseStreamEvent::isOutputTextDelta)
                        .map(event -> event.asOutputTextDelta().delta())
                        .collect(Collectors.joining()))
                .isEqualTo("Category: billing");
        Response completed = events.getLast().asCompleted().response();
        assertThat(completed.usage().orElseThrow().totalTokens()).isEqualTo(10);
        String executionId = completed.id().substring("resp_".length());
        assertThat(executionStatus(executionId)).isEqualTo("succeeded");
    }

    @Test
    void theRawStreamNamesEachEventByItsTypeInOrder() {
        var response = http.postJson(
                "/v1/responses",
                "{\"stream\": true, \"prompt\": {\"id\": \"triage\", \"variables\": {\"ticket\": \"x\"}}}",
                owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new java.util.ArrayList<>();
        long sequence = 0;
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith(":")) {
                continue;
            }
            String[] lines = event.split("\n");
            assertThat(lines).hasSize(2);
            String name = lines[0].substring("event: ".length());
            JsonNode data = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(lines[1].substring("data: ".length()));
            assertThat(data.get("type").asString()).isEqualTo(name);
            assertThat(data.get("sequence_number").asLong()).isEqualTo(sequence++);
            names.add(name);
        }
        assertThat(names)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
    }

    @Test
    void inputAndInstructionsFollowThePromptsMessages() {
        sdk().responses()
                .create(prompt("1", Map.of("ticket", "refund")).toBuilder()
                        .instructions("Answer in one word.")
                        .input("It is about my invoice.")
                        .build());

        JsonNode sent = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(PROVIDER.requests().getLast().body());
        assertThat(sent.get("messages")
                        .valueStream()
                        .map(message -> message.get("role").asString() + ": "
                                + message.get("content").asString())
                        .toList())
                .containsExactly("user: Triage refund", "system: Answer in one word.", "user: It is about my invoice.");
    }

    @Test
    void anUnknownPromptIs404AndBadVariablesA400NamingThem() {
        var notFound = catchThrowableOfType(
                NotFoundException.class,
                () -> sdk().responses()
                        .create(ResponseCreateParams.builder()
                                .prompt(ResponsePrompt.builder().id("nope").build())
                                .build()));
        var missing = catchThrowableOfType(
                BadRequestException.class, () -> sdk().responses().create(prompt("1", Map.of())));
        var stored = catchThrowableOfType(
                BadRequestException.class,
                () -> sdk().responses()
                        .create(prompt("1", Map.of("ticket", "x")).toBuilder()
                                .store(true)
                                .build()));

        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(missing.param()).hasValue("prompt.variables");
        assertThat(missing.getMessage()).contains("ticket");
        assertThat(stored.param()).hasValue("store");
        assertThat(executionCount()).isZero();
    }

    private static ResponseCreateParams prompt(String version, Map<String, String> variables) {
        var variablesBuilder = ResponsePrompt.Variables.builder();
        variables.forEach((name, value) -> variablesBuilder.putAdditionalProperty(name, JsonValue.from(value)));
        var prompt = ResponsePrompt.builder().id("triage").variables(variablesBuilder.build());
        if (version != null) {
            prompt.version(version);
        }
        return ResponseCreateParams.builder().prompt(prompt.build()).build();
    }
}
