package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stream's exact wire format read as raw bytes, a client that closes its stream, and retries that must not run an
 * execution twice: the SDK's own (it numbers its attempts, sends no key) and an explicit {@code Idempotency-Key}.
 */
class ChatCompletionStreamsIT extends OpenAiApi {
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
    void everyChunkHasTheEnvelopeAndTheStreamEndsWithDone() {
        var response = http.send(http.request("/v1/chat/completions")
                .header("Authorization", owner)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"prompt:triage\", \"stream\": true,"
                        + " \"stream_options\": {\"include_usage\": true}, \"prompt_variables\": {\"ticket\": \"x\"}}"))
                .build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        String executionId =
                response.headers().firstValue("x-promptline-execution-id").orElseThrow();
        List<String> data = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith(":")) {
                continue; // a heartbeat comment
            }
            assertThat(event).startsWith("data: ").doesNotContain("\n");
            data.add(event.substring("data: ".length()));
        }
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                data.subList(0, data.size() - 1).stream().map(JSON::readTree).toList();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.get("id").asString()).isEqualTo("chatcmpl-" + executionId);
            assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("created").isIntegralNumber()).isTrue();
            assertThat(chunk.get("model").asString()).isEqualTo("prompt:triage");
            assertThat(chunk.get("choices").isArray()).isTrue();
        });
        JsonNode first = chunks.getFirst().get("choices").get(0);
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("delta").get("role").asString()).isEqualTo("assistant");
        List<JsonNode> choiceChunks = chunks.subList(0, chunks.size() - 1);
        assertThat(choiceChunks.subList(0, choiceChunks.size() - 1))
                .allSatisfy(chunk -> assertThat(
                                chunk.get("choices").get(0).get("finish_reason").isNull())
                        .isTrue());
        assertThat(choiceChunks
                        .getLast()
                        .get("choices")
                        .get(0)
                        .get("finish_reason")
                        .asString())
                .isEqualTo("stop");
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        assertThat(usage.get("usage").get("total_tokens").asInt()).isEqualTo(10);
    }

    @Test
    void withoutIncludeUsageNoChunkCarriesUsage() {
        var response = http.postJson(
                "/v1/chat/completions",
                "{\"model\": \"prompt:triage\", \"stream\": true, \"prompt_variables\": {\"ticket\": \"x\"}}",
                owner);

        assertThat(response.body()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aClientThatClosesItsStreamCancelsTheExecutionAndTheProviderCall() {
        int request = provider().requestCount();
        provider().enqueue(Reply.stream("a", "b", "c", "d", "e").tokenInterval(Duration.ofSeconds(1)));
        String executionId;
        try (var stream = sdk().chat().completions().createStreaming(promptCall())) {
            ChatCompletionChunk first = stream.stream().findFirst().orElseThrow();
            executionId = first.id().substring("chatcmpl-".length());
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> executionStatus(executionId).equals("cancelled"));
        provider().clientClosed(request).orTimeout(5, TimeUnit.SECONDS).join();
        JsonNode stored = Http.json(http.get("/api/v1/executions/" + executionId, owner));
        assertThat(stored.get("error").get("message").asString()).contains("disconnected");
    }

    @Test
    void theSdksRetryAfterATimeoutGetsTheFirstAttemptsAnswerInsteadOfRunningAgain() {
        int requests = provider().requestCount();
        // Longer than the client's timeout, shorter than two of them: the first attempt times out, the retry waits.
        provider().enqueue(Reply.stream("slow", " answer").firstTokenAfter(Duration.ofMillis(3_000)));
        var retrying = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(acme.owner().key())
                .maxRetries(1)
                .timeout(Duration.ofSeconds(2))
                .build();

        var answer = create(retrying, promptCall());

        assertThat(answer.completion().choices().getFirst().message().content()).hasValue("slow answer");
        assertThat(answer.headers().values("Idempotent-Replayed")).containsExactly("true");
        assertThat(provider().requestCount() - requests).isEqualTo(1);
        assertThat(executionCount()).isEqualTo(1);
        assertThat(executionStatus(answer.executionId())).isEqualTo("succeeded");
    }

    @Test
    void twoIdenticalFirstAttemptsBothRun() {
        create(sdk(), promptCall());
        create(sdk(), promptCall());

        assertThat(executionCount()).isEqualTo(2);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheFirstExecution() {
        int requests = provider().requestCount();
        String key = UUID.randomUUID().toString();
        String body = "{\"model\": \"prompt:triage\", \"prompt_variables\": {\"ticket\": \"x\"}}";

        var first = http.send(completion(body).header("Idempotency-Key", key).build());
        var second = http.send(completion(body).header("Idempotency-Key", key).build());
        var streamed = http.send(completion(body.replace("{\"model\"", "{\"stream\": true, \"model\""))
                .header("Idempotency-Key", key)
                .build());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(Http.json(second).get("id").asString())
                .isEqualTo(Http.json(first).get("id").asString());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(provider().requestCount() - requests).isEqualTo(1);
        assertThat(streamed.statusCode())
                .as("another request with the same key")
                .isEqualTo(422);
        assertThat(Http.json(streamed).get("error").get("code").asString()).isEqualTo("idempotency_key_reused");
    }

    private HttpRequest.Builder completion(String body) {
        return http.request("/v1/chat/completions")
                .header("Authorization", owner)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static ChatCompletionCreateParams promptCall() {
        return ChatCompletionCreateParams.builder()
                .model("prompt:triage")
                .messages(List.of())
                .putAdditionalBodyProperty("prompt_variables", JsonValue.from(Map.of("ticket", "refund")))
                .build();
    }
}
