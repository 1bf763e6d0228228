package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The model pages over real HTTP: registering, editing, disabling and enabling through forms, with the REST API's
 * rules and refusals in words; a credential goes in and never comes out; a viewer reads and changes nothing.
 */
// The key lets a model store an API key, as ModelsIT's does.
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ConsoleModelPagesIT extends AuthenticatedApi {
    private static final String SECRET = "sk-console-secret-4242";

    private ConsoleClient browser;

    @BeforeEach
    void signIn() {
        browser = new ConsoleClient(port);
        browser.signIn(acme.member("member").key());
    }

    @Test
    void aMemberRegistersAModelWhoseKeyIsStoredButNeverShown() {
        browser.get("/console/models/new");

        var registered = browser.post("/console/models", form("openai", "gpt-mini", Map.of("apiKey", SECRET)));

        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(302);
        assertThat(registered.headers().firstValue("Location").orElseThrow())
                .contains("/console/models?done=registered");
        String list = browser.get("/console/models?done=registered").body();
        assertThat(list)
                .contains("The model is registered.", "gpt-mini", "gpt-4o-mini", "openai")
                .contains("$0.15 / M tokens", "$0.6 / M tokens", "first token 5 s, idle 2.5 s")
                .contains("an API key (stored encrypted)")
                .doesNotContain(SECRET);
        JsonNode model = onlyModel();
        assertThat(model.get("credential").get("kind").asString()).isEqualTo("encrypted");
        assertThat(model.get("parameters").get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(model.get("timeouts").get("firstToken").asString()).isEqualTo("5s");
        String edit = browser.get("/console/models/" + model.get("id").asString() + "/edit")
                .body();
        assertThat(edit).contains("an API key (stored encrypted)", "gpt-mini").doesNotContain(SECRET);
    }

    @Test
    void badInputIsRefusedInWordsKeepsTheFormButNotTheKeyAndRegistersNothing() {
        browser.get("/console/models/new");
        var fields = form("openai", " ", Map.of("apiKey", SECRET, "temperature", "3", "firstToken", "0"));

        var refused = browser.post("/console/models", fields);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("The model was not registered", "The name is required.")
                .contains("Temperature must be a number from 0 to 2.")
                .contains("The first-token timeout must be a number of seconds above 0")
                .contains("gpt-4o-mini")
                .doesNotContain(SECRET);
        assertThat(modelCount()).isZero();
    }

    @Test
    void theServicesRefusalsAreTheApisInWords() {
        browser.get("/console/models/new");

        var noBaseUrl = browser.post("/console/models", form("custom", "local", Map.of()));
        assertThat(noBaseUrl.statusCode()).isEqualTo(400);
        assertThat(noBaseUrl.body()).contains("baseUrl is required for provider custom");

        var noCredential = browser.post("/console/models", form("openai", "gpt", Map.of()));
        assertThat(noCredential.body()).contains("credential is required for provider openai");

        var both = browser.post(
                "/console/models", form("openai", "gpt", Map.of("apiKey", SECRET, "envVar", "OPENAI_API_KEY")));
        assertThat(both.body())
                .contains("must have exactly one of apiKey and envVar")
                .doesNotContain(SECRET);

        var badVariable = browser.post("/console/models", form("openai", "gpt", Map.of("envVar", "lower case")));
        assertThat(badVariable.body()).contains("The environment variable must be a name such as OPENAI_API_KEY");
        assertThat(modelCount()).isZero();
    }

    @Test
    void aMemberEditsAModelAndReplacesItsCredentialWithoutSeeingIt() {
        String id = registered();
        browser.get("/console/models/" + id + "/edit");
        var fields = form("anthropic", "renamed", Map.of("envVar", "OPENAI_API_KEY"));
        fields.put("inputPrice", "1.25");
        fields.put("idle", "");

        var saved = browser.post("/console/models/" + id, fields);

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        JsonNode model = onlyModel();
        assertThat(model.get("name").asString()).isEqualTo("renamed");
        assertThat(model.get("provider").asString())
                .as("a provider never changes")
                .isEqualTo("openai");
        assertThat(model.get("inputPricePerMillion").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(model.get("credential").get("kind").asString()).isEqualTo("env");
        assertThat(model.get("timeouts").has("idle"))
                .as("an emptied timeout is unset")
                .isFalse();
        assertThat(browser.get("/console/models").body()).contains("environment variable OPENAI_API_KEY");

        var refused = browser.post("/console/models/" + id, form("openai", "", Map.of()));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("The model was not saved", "The name is required.");
        assertThat(onlyModel().get("name").asString()).isEqualTo("renamed");
    }

    @Test
    void aModelIsDisabledAndEnabledAgain() {
        String id = registered();
        browser.get("/console/models");

        var disabled = browser.post("/console/models/" + id + "/enabled", Map.of("enabled", "false"));

        assertThat(disabled.statusCode()).isEqualTo(302);
        assertThat(onlyModel().get("enabled").asBoolean()).isFalse();
        assertThat(browser.get("/console/models?done=disabled").body())
                .contains("The model is disabled", "Enable gpt-mini");
        browser.post("/console/models/" + id + "/enabled", Map.of("enabled", "true"));
        assertThat(onlyModel().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void aViewerReadsTheListButChangesNothingWhateverItPosts() {
        String id = registered();
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());

        String list = viewer.get("/console/models").body();

        assertThat(list).contains("gpt-mini").doesNotContain("register-model", "/edit", "Disable");
        assertThat(viewer.get("/console/models/new").statusCode()).isEqualTo(403);
        assertThat(viewer.get("/console/models/" + id + "/edit").statusCode()).isEqualTo(403);
        assertThat(viewer.post("/console/models", form("echo", "sneaky", Map.of()))
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/console/models/" + id + "/enabled", Map.of("enabled", "false"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(modelCount()).isEqualTo(1);
        assertThat(onlyModel().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void everyChangeNeedsTheFormsCsrfToken() {
        String id = registered();
        browser.get("/console/models");

        var register = browser.postRaw("/console/models", form("echo", "forged", Map.of()), Map.of());
        var edit = browser.postRaw("/console/models/" + id, form("openai", "forged", Map.of()), Map.of());
        var disable = browser.postRaw(
                "/console/models/" + id + "/enabled", Map.of("enabled", "false", "_csrf", "wrong"), Map.of());

        assertThat(register.statusCode()).isEqualTo(403);
        assertThat(register.body()).contains("This form has expired");
        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(disable.statusCode()).isEqualTo(403);
        JsonNode model = onlyModel();
        assertThat(model.get("name").asString()).isEqualTo("gpt-mini");
        assertThat(model.get("enabled").asBoolean()).isTrue();
        assertThat(modelCount()).isEqualTo(1);
    }

    @Test
    void anEmptyRegistrySaysSoAndAnUnknownModelIsNotFound() {
        assertThat(browser.get("/console/models").body()).contains("No models yet");
        var missing = browser.get("/console/models/00000000-0000-0000-0000-000000000000/edit");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("No model 00000000-0000-0000-0000-000000000000");
    }

    private String registered() {
        browser.get("/console/models/new");
        var response = browser.post("/console/models", form("openai", "gpt-mini", Map.of("apiKey", SECRET)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return onlyModel().get("id").asString();
    }

    private static Map<String, String> form(String provider, String name, Map<String, String> more) {
        var fields = new HashMap<String, String>();
        fields.put("provider", provider);
        fields.put("name", name);
        fields.put("providerModelId", "gpt-4o-mini");
        fields.put("baseUrl", "");
        fields.put("temperature", "0.3");
        fields.put("topP", "");
        fields.put("maxTokens", "256");
        fields.put("stop", "");
        fields.put("inputPrice", "0.15");
        fields.put("outputPrice", "0.60");
        fields.put("firstToken", "5");
        fields.put("idle", "2.5");
        fields.put("apiKey", "");
        fields.put("envVar", "");
        fields.putAll(more);
        return fields;
    }

    private JsonNode onlyModel() {
        JsonNode items =
                Http.json(http.get("/api/v1/models", acme.owner().bearer())).get("items");
        assertThat(items.size()).isEqualTo(1);
        return items.get(0);
    }

    private int modelCount() {
        return jdbc.sql("SELECT count(*) FROM models WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
