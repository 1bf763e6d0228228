package dev.promptline.api.models;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class ModelsIT extends AuthenticatedApi {
    private static final String OPENAI = """
            {"provider": "openai", "name": "gpt", "providerModelId": "gpt-4o-mini",
             "parameters": {"temperature": 0.2, "maxTokens": 512},
             "credential": {"apiKey": "sk-live-very-secret"},
             "inputPricePerMillion": 0.15, "outputPricePerMillion": 0.6}
            """;

    @Test
    void registersAModelAndNeverShowsItsSecret() {
        var created = http.postJson("/api/v1/models", OPENAI, acme.owner().bearer());

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode model = Http.json(created);
        assertThat(model.get("provider").asString()).isEqualTo("openai");
        assertThat(model.get("parameters").get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(model.get("credential").get("kind").asString()).isEqualTo("encrypted");
        String location = created.headers().firstValue("Location").orElseThrow();
        var fetched = http.get(location, acme.owner().bearer());
        var listed = http.get("/api/v1/models", acme.owner().bearer());
        for (var response : new String[] {created.body(), fetched.body(), listed.body()}) {
            assertThat(response).doesNotContain("sk-live-very-secret");
        }
        byte[] stored = jdbc.sql("SELECT credential_ciphertext FROM models WHERE id = ?::uuid")
                .param(model.get("id").asString())
                .query(byte[].class)
                .single();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("sk-live-very-secret");
        assertThat(Base64.getEncoder().encodeToString(stored)).doesNotContain("sk-live");
    }

    @Test
    void registersEveryProviderKind() {
        String[] bodies = {
            "{\"provider\": \"anthropic\", \"name\": \"claude\", \"providerModelId\": \"claude-sonnet-4-5\", \"credential\": {\"envVar\": \"ANTHROPIC_API_KEY\"}}",
            "{\"provider\": \"huggingface\", \"name\": \"hf\", \"providerModelId\": \"meta-llama/Llama-3.1-8B-Instruct\", \"credential\": {\"envVar\": \"HF_TOKEN\"}}",
            "{\"provider\": \"custom\", \"name\": \"vllm\", \"providerModelId\": \"qwen\", \"baseUrl\": \"https://llm.example.com/v1\"}",
            "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}"
        };
        for (String body : bodies) {
            assertThat(http.postJson("/api/v1/models", body, acme.owner().bearer())
                            .statusCode())
                    .as(body)
                    .isEqualTo(201);
        }
        JsonNode page = Http.json(
                http.get("/api/v1/models?provider=custom", acme.owner().bearer()));
        assertThat(page.get("items").size()).isEqualTo(1);
        assertThat(page.get("items").get(0).get("credential").get("kind").asString())
                .isEqualTo("none");
    }

    @Test
    void badInputNamesTheFieldAndStoresNothing() {
        String[] bodies = {
            "{\"provider\": \"skynet\", \"name\": \"x\", \"providerModelId\": \"x\"}",
            "{\"provider\": \"custom\", \"name\": \"x\", \"providerModelId\": \"x\"}",
            "{\"provider\": \"custom\", \"name\": \"x\", \"providerModelId\": \"x\", \"baseUrl\": \"ftp://example.com\"}",
            "{\"provider\": \"custom\", \"name\": \"x\", \"providerModelId\": \"x\", \"baseUrl\": \"http://169.254.169.254/\"}",
            "{\"provider\": \"custom\", \"name\": \"x\", \"providerModelId\": \"x\", \"baseUrl\": \"http://localhost:11434/v1\"}",
            "{\"provider\": \"openai\", \"name\": \"x\", \"providerModelId\": \"x\"}",
            "{\"provider\": \"openai\", \"name\": \"x\", \"providerModelId\": \"x\", \"credential\": {\"apiKey\": \"a\", \"envVar\": \"B\"}}",
            "{\"provider\": \"openai\", \"name\": \"x\", \"providerModelId\": \"x\", \"credential\": {\"envVar\": \"lower-case\"}}",
            "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": \"x\", \"parameters\": {\"temperature\": 3}}",
            "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": \"x\", \"parameters\": {\"maxTokens\": 0}}",
            "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": \"x\", \"inputPricePerMillion\": -1}",
            "{\"provider\": \"echo\", \"name\": \"" + "x".repeat(300) + "\", \"providerModelId\": \"x\"}",
            "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": \"x\", \"colour\": \"red\"}",
            "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": 42.5e900}",
        };
        for (String body : bodies) {
            var response = http.postJson("/api/v1/models", body, acme.owner().bearer());
            assertThat(response.statusCode())
                    .as(body + " -> " + response.body())
                    .isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(modelCount()).isZero();
    }

    @Test
    void anUnknownProviderOrABadBaseUrlNamesTheField() {
        var provider = http.postJson(
                "/api/v1/models",
                "{\"provider\": \"skynet\", \"name\": \"x\", \"providerModelId\": \"x\"}",
                acme.owner().bearer());
        assertThat(Http.json(provider).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/provider");

        var url = http.postJson(
                "/api/v1/models",
                "{\"provider\": \"custom\", \"name\": \"x\", \"providerModelId\": \"x\", \"baseUrl\": \"http://[::1]:8000\"}",
                acme.owner().bearer());
        assertThat(Http.json(url).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/baseUrl");

        var temperature = http.postJson(
                "/api/v1/models",
                "{\"provider\": \"echo\", \"name\": \"x\", \"providerModelId\": \"x\", \"parameters\": {\"temperature\": 2.5}}",
                acme.owner().bearer());
        assertThat(Http.json(temperature).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/parameters/temperature");
    }

    @Test
    void namesAreUniqueAndSqlInThemIsJustText() {
        String name = "x'); DROP TABLE models; --";
        String body = "{\"provider\": \"echo\", \"name\": \"%s\", \"providerModelId\": \"echo\"}".formatted(name);
        assertThat(http.postJson("/api/v1/models", body, acme.owner().bearer()).statusCode())
                .isEqualTo(201);

        assertProblem(
                http.postJson("/api/v1/models", body, acme.owner().bearer()),
                409,
                "MODEL_NAME_TAKEN",
                "/api/v1/models");
        assertThat(modelCount()).isEqualTo(1);
    }

    @Test
    void updatesAndDisables() {
        String id = Http.json(
                        http.postJson("/api/v1/models", OPENAI, acme.owner().bearer()))
                .get("id")
                .asString();

        var updated = http.patchJson(
                "/api/v1/models/" + id,
                "{\"enabled\": false, \"credential\": {\"envVar\": \"OPENAI_API_KEY\"}, \"parameters\": {\"temperature\": 1}}",
                acme.owner().bearer());

        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        JsonNode model = Http.json(updated);
        assertThat(model.get("enabled").asBoolean()).isFalse();
        assertThat(model.get("credential").get("envVar").asString()).isEqualTo("OPENAI_API_KEY");
        assertThat(model.get("name").asString()).isEqualTo("gpt");
        assertThat(Http.json(http.get(
                                "/api/v1/models?enabled=false", acme.owner().bearer()))
                        .get("items")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void aModelInUseCannotBeDeleted() {
        String id = Http.json(
                        http.postJson("/api/v1/models", OPENAI, acme.owner().bearer()))
                .get("id")
                .asString();
        UUID prompt = jdbc.sql("INSERT INTO prompts (organization_id, name) VALUES (?, 'p') RETURNING id")
                .param(acme.organizationId)
                .query(UUID.class)
                .single();
        jdbc.sql("""
                        INSERT INTO prompt_versions (organization_id, prompt_id, version, template_format, template, model_id)
                        VALUES (?, ?, 1, 'text', '"hi"', ?::uuid)
                        """).params(acme.organizationId, prompt, id).update();

        assertProblem(
                http.delete("/api/v1/models/" + id, acme.owner().bearer()),
                409,
                "MODEL_IN_USE",
                "/api/v1/models/" + id);
        assertThat(modelCount()).isEqualTo(1);
    }

    @Test
    void deletesAnUnusedModel() {
        String id = Http.json(
                        http.postJson("/api/v1/models", OPENAI, acme.owner().bearer()))
                .get("id")
                .asString();
        assertThat(http.delete("/api/v1/models/" + id, acme.owner().bearer()).statusCode())
                .isEqualTo(204);
        assertThat(http.get("/api/v1/models/" + id, acme.owner().bearer()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void anotherOrganizationsModelsDoNotExist() {
        var other = new Tenants(jdbc).create("other");
        String id = Http.json(
                        http.postJson("/api/v1/models", OPENAI, other.owner().bearer()))
                .get("id")
                .asString();
        String path = "/api/v1/models/" + id;

        assertProblem(http.get(path, acme.owner().bearer()), 404, "RESOURCE_NOT_FOUND", path);
        assertProblem(
                http.patchJson(path, "{\"enabled\": false}", acme.owner().bearer()), 404, "RESOURCE_NOT_FOUND", path);
        assertProblem(http.delete(path, acme.owner().bearer()), 404, "RESOURCE_NOT_FOUND", path);
        assertThat(Http.json(http.get("/api/v1/models", acme.owner().bearer()))
                        .get("items")
                        .size())
                .isZero();
        assertThat(Http.json(http.get(path, other.owner().bearer()))
                        .get("enabled")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void viewersCannotRegisterModels() {
        var viewer = acme.member("viewer");
        assertProblem(http.postJson("/api/v1/models", OPENAI, viewer.bearer()), 403, "FORBIDDEN", "/api/v1/models");
        assertThat(http.get("/api/v1/models", viewer.bearer()).statusCode()).isEqualTo(200);
    }

    private int modelCount() {
        return jdbc.sql("SELECT count(*) FROM models WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
