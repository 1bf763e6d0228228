package dev.promptline.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

/** Registers models and prompts through the API, as a user would before executing anything. */
public final class Registry {
    private final Http http;
    private final String bearer;

    public Registry(Http http, String bearer) {
        this.http = http;
        this.bearer = bearer;
    }

    /** Registers a model from its JSON and returns its id. */
    public String model(String json) {
        var created = http.postJson("/api/v1/models", json, bearer);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    /** The built-in echo model: no network, tokens are words. */
    public String echoModel() {
        return model("{\"provider\": \"echo\", \"name\": \"echo-" + UUID.randomUUID()
                + "\", \"providerModelId\": \"echo\"}");
    }

    /** An OpenAI-compatible server at {@code baseUrl} (a fake provider), with an inline key. */
    public String customModel(String baseUrl) {
        return model("{\"provider\": \"custom\", \"name\": \"fake-" + UUID.randomUUID()
                + "\", \"providerModelId\": \"gpt-test\", \"baseUrl\": \"" + baseUrl
                + "\", \"credential\": {\"apiKey\": \"sk-test\"}}");
    }

    /** A text prompt on the model and returns its id; {@code text} is a Mustache template. */
    public String prompt(String modelId, String text) {
        var created = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"p-" + UUID.randomUUID() + "\", \"modelId\": \"" + modelId
                        + "\", \"template\": {\"format\": \"text\", \"text\": \"" + text + "\"}}",
                bearer);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }
}
