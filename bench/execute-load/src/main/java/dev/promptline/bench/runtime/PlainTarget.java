package dev.promptline.bench.runtime;

import dev.promptline.bench.execute.Api;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain yardstick: the runtime's request with {@code "stream": false} (and without {@code stream_options}, which
 * OpenAI accepts only on streams), straight to the fake provider or through an OpenAI-compatible gateway, answered
 * with one {@code chat.completion} body whose message must be the expected output. On a JDK HTTP client set up as
 * {@link DirectTarget}'s (HTTP/1.1, tasks inline).
 */
final class PlainTarget implements StreamTarget {
    // LangChain4j pretty-prints its request: whitespace may sit around every colon and comma.
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern STREAM_OPTIONS = Pattern.compile(",\\s*\"stream_options\"\\s*:\\s*\\{[^{}]*}");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Runnable::run)
            .build();
    private final URI uri;
    private final String requestBody;
    private final String apiKey;
    private final String expectedContent;
    private final Map<String, String> headers;

    /**
     * @param streamedBody the JSON body the runtime sent for the same completion (streamed), its marker {@link
     *     RuntimeTarget#MARKER} included
     * @param headers extra headers, such as those that route a gateway's request
     */
    PlainTarget(
            String baseUrl, String streamedBody, String apiKey, String expectedOutput, Map<String, String> headers) {
        this(URI.create(baseUrl + "/chat/completions"), plainBody(streamedBody), apiKey, expectedOutput, headers);
    }

    /**
     * The service's OpenAI-compatible route with the bench prompt by name and its variables, the marker appended to
     * the question as {@link Api#executeBody} does: what an OpenAI SDK pointed at Promptline sends.
     */
    static PlainTarget compatible(Api api, String promptName, String expectedOutput) {
        return new PlainTarget(
                URI.create(api.base() + "/v1/chat/completions"),
                compatibleBody(promptName),
                api.apiKey(),
                expectedOutput,
                Map.of());
    }

    static String compatibleBody(String promptName) {
        return ("{\"model\":\"prompt:%s\",\"prompt_variables\":{\"product\":\"Promptline\","
                        + "\"question\":\"What is a prompt version? %s\"}}")
                .formatted(promptName, RuntimeTarget.MARKER);
    }

    private PlainTarget(
            URI uri, String requestBody, String apiKey, String expectedOutput, Map<String, String> headers) {
        if (!requestBody.contains(RuntimeTarget.MARKER)) {
            throw new IllegalArgumentException("The request body has no marker to replace");
        }
        this.uri = uri;
        this.requestBody = requestBody;
        this.apiKey = apiKey;
        this.expectedContent = "\"content\":\"" + expectedOutput + "\"";
        this.headers = Map.copyOf(headers);
    }

    /** The streamed request body as a plain one: {@code "stream":false}, no {@code stream_options}. */
    static String plainBody(String streamedBody) {
        Matcher stream = STREAM.matcher(streamedBody);
        if (!stream.find()) {
            throw new IllegalArgumentException("No \"stream\":true in " + Api.abbreviate(streamedBody));
        }
        return STREAM_OPTIONS.matcher(stream.replaceFirst("\"stream\":false")).replaceFirst("");
    }

    @Override
    public Timing stream(String marker, Runnable firstToken) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(requestBody.replace(RuntimeTarget.MARKER, marker)));
        headers.forEach(builder::header);
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(builder.build(), BodyHandlers.ofString());
        long end = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IOException(
                    "%s answered %d: %s".formatted(uri, response.statusCode(), Api.abbreviate(response.body())));
        }
        if (!response.body().contains("\"object\":\"chat.completion\"")
                || !response.body().contains(expectedContent)) {
            throw new IOException("Unexpected completion: " + Api.abbreviate(response.body()));
        }
        firstToken.run();
        return new Timing(start, end, end);
    }

    @Override
    public void close() {
        http.close();
    }
}
