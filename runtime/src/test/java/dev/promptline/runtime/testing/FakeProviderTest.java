package dev.promptline.runtime.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FakeProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration CLOSE_NOTICED_WITHIN = Duration.ofSeconds(1);

    enum Provider {
        OPENAI,
        ANTHROPIC;

        FakeProvider start() {
            return switch (this) {
                case OPENAI -> FakeProvider.openAi();
                case ANTHROPIC -> FakeProvider.anthropic();
            };
        }

        StreamingChatModel model(FakeProvider fake) {
            return switch (this) {
                case OPENAI ->
                    OpenAiStreamingChatModel.builder()
                            .baseUrl(fake.baseUrl())
                            .apiKey("test-key")
                            .modelName("gpt-4o-mini")
                            .build();
                case ANTHROPIC ->
                    AnthropicStreamingChatModel.builder()
                            .baseUrl(fake.baseUrl())
                            .apiKey("test-key")
                            .modelName("claude-sonnet-4-5")
                            .maxTokens(100)
                            .build();
            };
        }

        /** A non-streaming model, which sends no {@code "stream": true}; it does not retry. */
        ChatModel blockingModel(FakeProvider fake) {
            return switch (this) {
                case OPENAI ->
                    OpenAiChatModel.builder()
                            .baseUrl(fake.baseUrl())
                            .apiKey("test-key")
                            .modelName("gpt-4o-mini")
                            .maxRetries(0)
                            .build();
                case ANTHROPIC ->
                    AnthropicChatModel.builder()
                            .baseUrl(fake.baseUrl())
                            .apiKey("test-key")
                            .modelName("claude-sonnet-4-5")
                            .maxTokens(100)
                            .maxRetries(0)
                            .build();
            };
        }

        String completionPath() {
            return switch (this) {
                case OPENAI -> "/v1/chat/completions";
                case ANTHROPIC -> "/v1/messages";
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void streamsTextFinishReasonAndUsage(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.stream("Hel", "lo", ", wor", "ld"));

            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done).succeedsWithin(WAIT).satisfies(response -> {
                assertThat(response.aiMessage().text()).isEqualTo("Hello, world");
                assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
                assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(Reply.DEFAULT_INPUT_TOKENS);
                assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
                assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(Reply.DEFAULT_INPUT_TOKENS + 4);
            });
            assertThat(recorder.partials).containsExactly("Hel", "lo", ", wor", "ld");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void reportsLengthFinishReason(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.stream("cut", " short").finishWithLength().inputTokens(3));

            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done).succeedsWithin(WAIT).satisfies(response -> {
                assertThat(response.aiMessage().text()).isEqualTo("cut short");
                assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(3);
                assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(2);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void escapesTokenText(Provider provider) {
        List<String> tokens = List.of("say \"hi\"", " back\\slash", "\nline\r\n", "\ttab\u0007\u0000", " ünï😀\u2028");
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.stream(tokens.toArray(String[]::new)));

            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done)
                    .succeedsWithin(WAIT)
                    .satisfies(
                            response -> assertThat(response.aiMessage().text()).isEqualTo(String.join("", tokens)));
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void recordsTheRequestAndAnswersWithTheDefaultReply(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done)
                    .succeedsWithin(WAIT)
                    .satisfies(response ->
                            assertThat(response.aiMessage().text()).isEqualTo("Hello from the fake provider"));
            assertThat(fake.requestCount()).isEqualTo(1);
            RecordedRequest request = fake.requests().getFirst();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo(provider.completionPath());
            String compactBody = request.body().replaceAll("\\s", "");
            assertThat(compactBody).contains("\"stream\":true");
            switch (provider) {
                case OPENAI -> {
                    assertThat(request.header("Authorization")).isEqualTo("Bearer test-key");
                    assertThat(compactBody)
                            .contains("\"model\":\"gpt-4o-mini\"")
                            .contains("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]");
                }
                case ANTHROPIC -> {
                    assertThat(request.header("x-api-key")).isEqualTo("test-key");
                    assertThat(compactBody)
                            .contains("\"model\":\"claude-sonnet-4-5\"")
                            .contains(
                                    "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void surfacesRateLimitAsError(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.rateLimited(Duration.ofSeconds(7)));

            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done)
                    .failsWithin(WAIT)
                    .withThrowableThat()
                    .havingCause()
                    .isInstanceOf(RateLimitException.class)
                    .havingRootCause()
                    .withMessageContaining(provider == Provider.OPENAI ? "rate_limit_exceeded" : "rate_limit_error");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void noticesTheClientCancellingMidStream(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.stream(manyTokens(200)).tokenInterval(Duration.ofMillis(20)));

            Recorder recorder = chat(provider.model(fake), 2);

            assertThat(fake.clientClosed(0)).succeedsWithin(CLOSE_NOTICED_WITHIN);
            long noticedAt = fake.clientClosed(0).join();
            assertThat(Duration.ofNanos(noticedAt - recorder.cancelledAt)).isLessThan(CLOSE_NOTICED_WITHIN);
            assertThat(fake.clientAbortedDuringResponse(0)).isTrue();
            assertThat(recorder.partials).hasSizeLessThan(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void droppedStreamSurfacesError(Provider provider) {
        try (FakeProvider fake = provider.start()) {
            fake.enqueue(Reply.stream("a", "b", "c").dropAfter(2));

            Recorder recorder = chat(provider.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done).failsWithin(WAIT);
            // The JDK HttpClient may drop received bytes once the connection failed: tokens can go missing, never "c".
            List<String> received = List.copyOf(recorder.partials);
            assertThat(received)
                    .hasSizeLessThanOrEqualTo(2)
                    .isEqualTo(List.of("a", "b").subList(0, received.size()));
            assertThat(fake.clientAbortedDuringResponse(0)).isFalse();
        }
    }

    @Test
    void openAiReportsMalformedEventAsError() {
        try (FakeProvider fake = FakeProvider.openAi()) {
            fake.enqueue(Reply.stream("a", "b").malformedAfter(1));

            Recorder recorder = chat(Provider.OPENAI.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done).failsWithin(WAIT);
        }
    }

    @Test
    void anthropicSkipsMalformedEvent() {
        try (FakeProvider fake = FakeProvider.anthropic()) {
            fake.enqueue(Reply.stream("a", "b").malformedAfter(1));

            Recorder recorder = chat(Provider.ANTHROPIC.model(fake), Recorder.NEVER_CANCEL);

            assertThat(recorder.done)
                    .succeedsWithin(WAIT)
                    .satisfies(
                            response -> assertThat(response.aiMessage().text()).isEqualTo("ab"));
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void sendsMalformedEventOnTheWireAndCarriesOn(Provider provider) throws Exception {
        try (FakeProvider fake = provider.start();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.stream("a", "b").malformedAfter(1));

            HttpResponse<String> response = client.send(completion(fake, provider), BodyHandlers.ofString());

            String brokenJson = provider == Provider.OPENAI ? "data: {\"choices\": [ {\n\n" : "\"delta\":{\n\n";
            assertThat(response.body()).contains(brokenJson);
            assertThat(response.body().indexOf(brokenJson))
                    .isBetween(response.body().indexOf("\"a\""), response.body().indexOf("\"b\""));
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void answersErrorStatusWithHeadersAndProviderErrorJson(Provider provider) throws Exception {
        try (FakeProvider fake = provider.start();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.rateLimited(Duration.ofMillis(6500)));

            HttpResponse<String> response = client.send(completion(fake, provider), BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("7");
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(response.body())
                    .startsWith(provider == Provider.OPENAI ? "{\"error\":{\"message\":" : "{\"type\":\"error\"")
                    .contains(provider == Provider.OPENAI ? "\"code\":\"rate_limit_exceeded\"" : "rate_limit_error");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void answersOtherPathsWith404WithoutConsumingTheScript(Provider provider) throws Exception {
        try (FakeProvider fake = provider.start();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.serverError());
            HttpRequest models = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/models"))
                    .build();

            HttpResponse<String> notFound = client.send(models, BodyHandlers.ofString());
            HttpResponse<String> scripted = client.send(completion(fake, provider), BodyHandlers.ofString());

            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.body()).contains("\"error\":{");
            assertThat(scripted.statusCode()).isEqualTo(500);
            assertThat(fake.requests())
                    .extracting(RecordedRequest::path)
                    .containsExactly("/v1/models", provider.completionPath());
        }
    }

    @Test
    void aResetDropsRepliesLeftQueuedByAnEarlierTest() throws Exception {
        try (FakeProvider fake = FakeProvider.openAi();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.stream("left over"));
            fake.reset(Reply.stream("fresh"));

            var response = client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofString());

            assertThat(response.body()).contains("\"content\":\"fresh\"").doesNotContain("left over");
        }
    }

    @Test
    void usesScriptedRepliesInOrderThenTheDefaultOnOneKeptAliveConnection() throws Exception {
        try (FakeProvider fake = FakeProvider.openAi();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.unavailable(), Reply.stream("second"));
            fake.setDefault(Reply.stream("fallback"));

            List<HttpResponse<String>> responses = List.of(
                    client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofString()),
                    client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofString()),
                    client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofString()));

            assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(503, 200, 200);
            assertThat(responses.get(1).body())
                    .contains("\"content\":\"second\"")
                    .endsWith("data: [DONE]\n\n");
            assertThat(responses.get(2).body()).contains("\"content\":\"fallback\"");
            assertThat(fake.requestCount()).isEqualTo(3);
            assertThat(fake.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void hangUpClosesTheConnectionWithoutAnswering() throws Exception {
        try (FakeProvider fake = FakeProvider.anthropic();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.hangUp());

            assertThatThrownBy(() -> client.send(completion(fake, Provider.ANTHROPIC), BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(client.send(completion(fake, Provider.ANTHROPIC), BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(fake.requestCount()).isEqualTo(2);
            assertThat(fake.clientAbortedDuringResponse(0)).isFalse();
        }
    }

    @Test
    void firstTokenAfterDelaysTheResponseHeaders() throws Exception {
        Duration delay = Duration.ofMillis(150);
        try (FakeProvider fake = FakeProvider.openAi();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.stream("late").firstTokenAfter(delay));

            long start = System.nanoTime();
            HttpResponse<InputStream> response =
                    client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofInputStream());
            long headersAfter = System.nanoTime() - start;
            response.body().close();

            assertThat(Duration.ofNanos(headersAfter)).isGreaterThanOrEqualTo(delay);
        }
    }

    @Test
    void noticesARawClientClosingBeforeTheFirstToken() throws Exception {
        try (FakeProvider fake = FakeProvider.openAi();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.stream("never").firstTokenAfter(Duration.ofMinutes(1)));
            CompletableFuture<HttpResponse<String>> pending =
                    client.sendAsync(completion(fake, Provider.OPENAI), BodyHandlers.ofString());
            await().atMost(WAIT).until(() -> fake.requestCount() == 1);

            long closedAt = System.nanoTime();
            client.shutdownNow();

            assertThat(fake.clientClosed(0)).succeedsWithin(CLOSE_NOTICED_WITHIN);
            assertThat(Duration.ofNanos(fake.clientClosed(0).join() - closedAt)).isLessThan(CLOSE_NOTICED_WITHIN);
            assertThat(pending).failsWithin(WAIT);
        }
    }

    @Test
    void noticesARawClientClosingTheBodyMidStream() throws Exception {
        try (FakeProvider fake = FakeProvider.anthropic();
                HttpClient client = http11Client()) {
            fake.enqueue(Reply.stream(manyTokens(100)).tokenInterval(Duration.ofMillis(50)));
            HttpResponse<InputStream> response =
                    client.send(completion(fake, Provider.ANTHROPIC), BodyHandlers.ofInputStream());
            assertThat(response.body().read()).isNotNegative();

            long closedAt = System.nanoTime();
            response.body().close();

            assertThat(fake.clientClosed(0)).succeedsWithin(CLOSE_NOTICED_WITHIN);
            assertThat(Duration.ofNanos(fake.clientClosed(0).join() - closedAt)).isLessThan(CLOSE_NOTICED_WITHIN);
        }
    }

    @Test
    void timesEachStreamBeforeTheClientSeesItsEnd() throws Exception {
        HttpClient client = http11Client();
        try (client;
                FakeProvider fake = FakeProvider.openAi()) {
            var timings = new CopyOnWriteArrayList<FakeProvider.StreamTiming>();
            fake.onStreamTiming(timings::add);
            fake.setDefault(Reply.stream("a", "b").firstTokenAfter(Duration.ofMillis(50)));
            long sentAt = System.nanoTime();
            HttpResponse<String> response = client.send(completion(fake, Provider.OPENAI), BodyHandlers.ofString());
            long endedAt = System.nanoTime();

            assertThat(response.body()).contains("[DONE]");
            // Recorded before the ending was written, so it is there as soon as the client has the whole answer.
            assertThat(timings).singleElement().satisfies(timing -> {
                assertThat(timing.request().body()).contains("\"content\":\"hi\"");
                assertThat(timing.received()).isBetween(sentAt, timing.firstToken());
                assertThat(Duration.ofNanos(timing.firstToken() - timing.received()))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
                assertThat(timing.ending()).isBetween(timing.firstToken(), endedAt);
            });
        }
    }

    @Test
    void closeDropsConnectionsThatWaitForAnAnswer() {
        HttpClient client = http11Client();
        try (client) {
            CompletableFuture<HttpResponse<String>> pending;
            try (FakeProvider fake = FakeProvider.openAi()) {
                fake.setDefault(Reply.stream("never").firstTokenAfter(Duration.ofMinutes(1)));
                pending = client.sendAsync(completion(fake, Provider.OPENAI), BodyHandlers.ofString());
                await().atMost(WAIT).until(() -> fake.requestCount() == 1);
            }
            assertThat(pending).failsWithin(WAIT);
        }
    }

    /** Requests that do not ask for a stream get the provider's whole answer as one JSON body. */
    @Nested
    class WholeAnswers {

        @ParameterizedTest
        @EnumSource(Provider.class)
        void answersTextFinishReasonAndUsageInOneBody(Provider provider) {
            try (FakeProvider fake = provider.start()) {
                fake.enqueue(Reply.stream("Hel", "lo, ", "\"wor\"", "ld").inputTokens(5));

                ChatResponse response = provider.blockingModel(fake)
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from("hi"))
                                .build());

                assertThat(response.aiMessage().text()).isEqualTo("Hello, \"wor\"ld");
                assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
                assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(5);
                assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
                assertThat(fake.requests().getFirst().body().replaceAll("\\s", ""))
                        .doesNotContain("\"stream\":true");
            }
        }

        @ParameterizedTest
        @EnumSource(Provider.class)
        void reportsLengthFinishReason(Provider provider) {
            try (FakeProvider fake = provider.start()) {
                fake.enqueue(Reply.stream("cut", " short").finishWithLength());

                ChatResponse response = provider.blockingModel(fake)
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from("hi"))
                                .build());

                assertThat(response.aiMessage().text()).isEqualTo("cut short");
                assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
            }
        }

        @Test
        void answersStreamFalseWithAChatCompletionObject() throws Exception {
            try (FakeProvider fake = FakeProvider.openAi();
                    HttpClient client = http11Client()) {
                fake.enqueue(Reply.stream("a", "b"));

                HttpResponse<String> response =
                        client.send(completion(fake, Provider.OPENAI, false), BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
                assertThat(response.body())
                        .isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":"
                                + response.body().replaceAll(".*\"created\":(\\d+),.*", "$1")
                                + ",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                                + "\"content\":\"ab\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}");
            }
        }

        @Test
        void answersAfterTheTimeTheStreamWouldTakeAndTimesIt() throws Exception {
            try (FakeProvider fake = FakeProvider.openAi();
                    HttpClient client = http11Client()) {
                var timings = new CopyOnWriteArrayList<FakeProvider.StreamTiming>();
                fake.onStreamTiming(timings::add);
                fake.enqueue(Reply.stream("a", "b", "c")
                        .firstTokenAfter(Duration.ofMillis(50))
                        .tokenInterval(Duration.ofMillis(25)));
                long sentAt = System.nanoTime();

                HttpResponse<String> response =
                        client.send(completion(fake, Provider.OPENAI, false), BodyHandlers.ofString());
                long endedAt = System.nanoTime();

                assertThat(response.body()).contains("\"content\":\"abc\"");
                assertThat(timings).singleElement().satisfies(timing -> {
                    assertThat(timing.received()).isBetween(sentAt, timing.firstToken());
                    assertThat(Duration.ofNanos(timing.firstToken() - timing.received()))
                            .isGreaterThanOrEqualTo(Duration.ofMillis(100));
                    assertThat(timing.ending()).isBetween(timing.firstToken(), endedAt);
                });
            }
        }

        @Test
        void dropClosesTheConnectionMidBody() {
            try (FakeProvider fake = FakeProvider.openAi();
                    HttpClient client = http11Client()) {
                fake.enqueue(Reply.stream("a", "b", "c").dropAfter(2));

                assertThatThrownBy(() -> client.send(completion(fake, Provider.OPENAI, false), BodyHandlers.ofString()))
                        .isInstanceOf(IOException.class);
            }
        }

        @Test
        void malformedSendsTheBodyCutOff() throws Exception {
            try (FakeProvider fake = FakeProvider.openAi();
                    HttpClient client = http11Client()) {
                Reply.Stream malformed = Reply.stream("a", "b").malformedAfter(1);
                fake.enqueue(malformed, malformed);

                HttpResponse<String> response =
                        client.send(completion(fake, Provider.OPENAI, false), BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).startsWith("{\"id\":\"chatcmpl-1\"").doesNotEndWith("}");
                assertThatThrownBy(() -> Provider.OPENAI.blockingModel(fake).chat("hi"))
                        .isInstanceOf(RuntimeException.class);
            }
        }
    }

    private static Recorder chat(StreamingChatModel model, int cancelAfterPartials) {
        Recorder recorder = new Recorder(cancelAfterPartials);
        model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).build(), recorder);
        return recorder;
    }

    private static HttpClient http11Client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private static HttpRequest completion(FakeProvider fake, Provider provider) {
        return completion(fake, provider, true);
    }

    private static HttpRequest completion(FakeProvider fake, Provider provider, boolean stream) {
        String body =
                "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HttpRequest.newBuilder(URI.create(fake.baseUrl().replace("/v1", "") + provider.completionPath()))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body, UTF_8))
                .build();
    }

    private static String[] manyTokens(int count) {
        String[] tokens = new String[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = " t" + i;
        }
        return tokens;
    }

    /** Collects the streamed answer; cancels the stream from inside the callback after some partial responses. */
    private static final class Recorder implements StreamingChatResponseHandler {

        static final int NEVER_CANCEL = -1;

        final List<String> partials = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        private final int cancelAfterPartials;
        volatile long cancelledAt;

        Recorder(int cancelAfterPartials) {
            this.cancelAfterPartials = cancelAfterPartials;
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            partials.add(partialResponse.text());
            if (partials.size() == cancelAfterPartials) {
                cancelledAt = System.nanoTime();
                context.streamingHandle().cancel();
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }
}
