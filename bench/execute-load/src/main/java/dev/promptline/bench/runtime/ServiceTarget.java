package dev.promptline.bench.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.promptline.bench.execute.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code POST /api/v1/prompts/{id}/execute} on the service, over one keep-alive JDK HTTP client (HTTP/1.1, virtual
 * threads): plain, timed to the record in the answer, or streamed as Server-Sent Events, timed to the first
 * {@code token_delta} and to {@code completed}. Either way the execution must have succeeded with the expected output.
 *
 * <p>In runtime-load's package because {@link StreamTarget}, {@link ClosedLoop} and {@link OpenStreams} are
 * package-private there.
 */
final class ServiceTarget implements StreamTarget {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(threads)
            .build();
    private final Api api;
    private final String promptId;
    private final boolean streamed;
    private final String expectedOutput;

    ServiceTarget(Api api, String promptId, boolean streamed, String expectedOutput) {
        this.api = api;
        this.promptId = promptId;
        this.streamed = streamed;
        this.expectedOutput = expectedOutput;
    }

    @Override
    public Timing stream(String marker, Runnable firstToken) throws IOException, InterruptedException {
        HttpRequest request = api.executeRequest(promptId, streamed, marker);
        return streamed ? streamed(request, firstToken) : plain(request, firstToken);
    }

    private Timing plain(HttpRequest request, Runnable firstToken) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        long end = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IOException(
                    "The service answered %d: %s".formatted(response.statusCode(), Api.abbreviate(response.body())));
        }
        checkRecord(response.body());
        firstToken.run();
        return new Timing(start, end, end);
    }

    private Timing streamed(HttpRequest request, Runnable firstToken) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long firstTokenAt = 0;
        long completedAt = 0;
        HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IOException("The service answered %d: %s"
                        .formatted(
                                response.statusCode(),
                                Api.abbreviate(String.join("\n", lines.lines().toList()))));
            }
            String event = "";
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                    if (event.equals("token_delta") && firstTokenAt == 0) {
                        firstTokenAt = System.nanoTime();
                        firstToken.run();
                    } else if (event.equals("completed")) {
                        completedAt = System.nanoTime();
                    }
                } else if (line.startsWith("data: ")) {
                    switch (event) {
                        case "completed" -> checkRecord(line);
                        case "failed" -> throw new IOException("The execution failed: " + Api.abbreviate(line));
                        default -> {
                            // started and token_delta: the output is checked on the record
                        }
                    }
                }
            }
        }
        if (firstTokenAt == 0 || completedAt == 0) {
            throw new IOException("The stream ended without a token or without completed");
        }
        return new Timing(start, firstTokenAt, completedAt);
    }

    private void checkRecord(String json) throws IOException {
        if (!Api.field(json, "status").equals("succeeded") || !json.contains("\"output\":\"" + expectedOutput + "\"")) {
            throw new IOException("Unexpected record: " + Api.abbreviate(json));
        }
    }

    @Override
    public void close() {
        http.close();
        threads.close();
    }
}
