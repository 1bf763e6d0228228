package dev.promptline.bench.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscribers;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The yardstick: the request LangChain4j sends, straight to the fake provider on a JDK HTTP client (HTTP/1.1, as the
 * runtime's), stamping each line of the event stream as the client reads it: its tasks run inline, on the selector
 * thread that read the line, so the yardstick times the provider and loopback and no hand-off of its own.
 */
final class DirectTarget implements StreamTarget {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Runnable::run)
            .build();
    private final URI uri;
    private final String requestBody;
    private final String apiKey;
    private final int expectedTokens;
    private final Map<String, String> headers;

    /**
     * @param requestBody the JSON body the runtime sent for the same completion, its marker {@link
     *     RuntimeTarget#MARKER} included
     */
    DirectTarget(String baseUrl, String requestBody, String apiKey, int expectedTokens) {
        this(baseUrl, requestBody, apiKey, expectedTokens, Map.of());
    }

    /**
     * The same request to an OpenAI-compatible gateway in front of the provider (execute-load's peer row), with the
     * headers that route it.
     */
    DirectTarget(String baseUrl, String requestBody, String apiKey, int expectedTokens, Map<String, String> headers) {
        if (!requestBody.contains(RuntimeTarget.MARKER)) {
            throw new IllegalArgumentException("The request body has no marker to replace");
        }
        this.uri = URI.create(baseUrl + "/chat/completions");
        this.requestBody = requestBody;
        this.apiKey = apiKey;
        this.expectedTokens = expectedTokens;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public Timing stream(String marker, Runnable firstToken) throws InterruptedException, ExecutionException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(requestBody.replace(RuntimeTarget.MARKER, marker)));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        var stream = new TimedStream(firstToken);
        http.sendAsync(request, responseInfo -> {
                    if (responseInfo.statusCode() != 200) {
                        stream.failed(new IOException("The fake provider answered " + responseInfo.statusCode()));
                    }
                    return BodySubscribers.fromLineSubscriber(new TokenLines(stream));
                })
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        stream.failed(failure);
                    }
                });
        return stream.await();
    }

    /** Reads the event stream line by line as the client receives it, and counts its tokens. */
    private final class TokenLines implements Flow.Subscriber<String> {
        private final TimedStream stream;
        private int tokens;

        TokenLines(TimedStream stream) {
            this.stream = stream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            // Only token events carry a "content" field; the ending and usage events do not.
            if (line.startsWith("data: ") && line.contains("\"content\"")) {
                tokens++;
                stream.token();
            }
        }

        @Override
        public void onError(Throwable failure) {
            stream.failed(failure);
        }

        @Override
        public void onComplete() {
            long end = System.nanoTime();
            if (tokens != expectedTokens) {
                stream.failed(new IOException("Expected %d tokens, got %d".formatted(expectedTokens, tokens)));
            }
            stream.ended(end);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
