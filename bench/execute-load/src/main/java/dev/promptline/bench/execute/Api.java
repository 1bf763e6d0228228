package dev.promptline.bench.execute;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's REST API as the benchmark uses it: a model on the fake provider, a prompt on that model, and the
 * execute request. Answers are read with a pattern per field: the driver sends every value itself, so none needs
 * JSON unescaping.
 */
public final class Api implements AutoCloseable {
    /** The environment variable the service reads the fake provider's key from (the model's credential). */
    public static final String PROVIDER_KEY_VARIABLE = "PROMPTLINE_BENCH_PROVIDER_KEY";

    /** What the fake provider expects in {@code Authorization: Bearer}; the fake accepts any key. */
    public static final String PROVIDER_KEY = "bench";

    /** The model name the service sends to the provider. */
    public static final String PROVIDER_MODEL = "bench-model";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXECUTE_TIMEOUT = Duration.ofMinutes(3);

    private final URI base;
    private final String apiKey;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param base the service, {@code http://127.0.0.1:port}
     * @param apiKey an API key of the organization the benchmark uses
     */
    public Api(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public URI base() {
        return base;
    }

    public String apiKey() {
        return apiKey;
    }

    /**
     * Registers an OpenAI model whose base URL is the fake provider, with its key in an environment variable of the
     * service (the credential path a production model takes, without an encryption key).
     *
     * @return the model's id
     */
    public String createModel(String name, String providerBaseUrl) throws IOException, InterruptedException {
        String body = """
                {"provider":"openai","name":"%s","providerModelId":"%s","baseUrl":"%s",\
                "credential":{"envVar":"%s"}}""".formatted(name, PROVIDER_MODEL, providerBaseUrl, PROVIDER_KEY_VARIABLE);
        return field(send("POST", "/api/v1/models", body, 201), "id");
    }

    /** Points the model at another fake provider (each run has its own: a fake records every request it serves). */
    public void setBaseUrl(String modelId, String providerBaseUrl) throws IOException, InterruptedException {
        send("PATCH", "/api/v1/models/" + modelId, "{\"baseUrl\":\"%s\"}".formatted(providerBaseUrl), 200);
    }

    /**
     * A chat prompt with two variables on the model, as the README's walk-through writes one.
     *
     * @return the prompt's id
     */
    public String createPrompt(String name, String modelId) throws IOException, InterruptedException {
        String body = """
                {"name":"%s","modelId":"%s","template":{"format":"chat","messages":[\
                {"role":"system","content":"You answer questions about {{product}} in twenty words."},\
                {"role":"user","content":"{{question}}"}]}}""".formatted(name, modelId);
        return field(send("POST", "/api/v1/prompts", body, 201), "id");
    }

    /**
     * The execute request of every execution the benchmark runs; {@code Accept: text/event-stream} streams it.
     *
     * @param marker a word appended to the question, by which the fake provider's timing of this request is found
     */
    public HttpRequest executeRequest(String promptId, boolean streamed, String marker) {
        var request = HttpRequest.newBuilder(base.resolve("/api/v1/prompts/" + promptId + "/execute"))
                // Until the answer's headers, which a plain execution sends at its end: a stuck run ends by itself.
                .timeout(EXECUTE_TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(executeBody(marker)));
        return (streamed ? request.header("Accept", "text/event-stream") : request.header("Accept", "application/json"))
                .build();
    }

    /** The execute request's body: the prompt's two variables, {@code marker} appended to the question. */
    public static String executeBody(String marker) {
        return "{\"variables\":{\"product\":\"Promptline\",\"question\":\"What is a prompt version? %s\"}}"
                .formatted(marker);
    }

    /** The value of the first string field {@code name} in {@code json}. */
    public static String field(String json, String name) {
        Matcher value =
                Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        if (!value.find()) {
            throw new IllegalStateException("No string field " + name + " in " + abbreviate(json));
        }
        return value.group(1);
    }

    /** At most the first 500 characters, for error messages. */
    public static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }

    private String send(String method, String path, String body, int expectedStatus)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IOException("%s %s answered %d: %s"
                    .formatted(method, path, response.statusCode(), abbreviate(response.body())));
        }
        return response.body();
    }

    @Override
    public void close() {
        http.close();
    }
}
