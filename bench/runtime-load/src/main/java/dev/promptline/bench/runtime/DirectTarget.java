package dev.promptline.bench.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The yardstick: the request LangChain4j sends, straight to the fake provider on a JDK HTTP client set up as the
 * runtime's (HTTP/1.1, virtual threads), reading the event stream line by line to its end.
 */
final class DirectTarget implements StreamTarget {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(threads)
            .build();
    private final URI uri;
    private final String requestBody;
    private final String apiKey;
    private final int expectedTokens;

    /**
     * @param requestBody the JSON body the runtime sent for the same completion, its marker {@link
     *     RuntimeTarget#MARKER} included
     */
    DirectTarget(String baseUrl, String requestBody, String apiKey, int expectedTokens) {
        if (!requestBody.contains(RuntimeTarget.MARKER)) {
            throw new IllegalArgumentException("The request body has no marker to replace");
        }
        this.uri = URI.create(baseUrl + "/chat/completions");
        this.requestBody = requestBody;
        this.apiKey = apiKey;
        this.expectedTokens = expectedTokens;
    }

    @Override
    public Timing stream(String marker, Runnable firstToken) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(requestBody.replace(RuntimeTarget.MARKER, marker)))
                .build();
        long start = System.nanoTime();
        long firstTokenAt = 0;
        int tokens = 0;
        HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IOException("The fake provider answered " + response.statusCode());
            }
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                // Only token events carry a "content" field; the ending and usage events do not.
                if (line.startsWith("data: ") && line.contains("\"content\"") && tokens++ == 0) {
                    firstTokenAt = System.nanoTime();
                    firstToken.run();
                }
            }
        }
        long end = System.nanoTime();
        if (tokens != expectedTokens) {
            throw new IOException("Expected %d tokens, got %d".formatted(expectedTokens, tokens));
        }
        return new Timing(start, firstTokenAt, end);
    }

    @Override
    public void close() {
        http.close();
        threads.close();
    }
}
