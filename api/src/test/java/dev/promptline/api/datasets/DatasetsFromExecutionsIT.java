package dev.promptline.api.datasets;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Items made from recorded executions: their variables, and their output as the expected output if asked. */
class DatasetsFromExecutionsIT extends AuthenticatedApi {
    String owner;
    String dataset;
    String path;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
        dataset = Http.json(http.postJson("/api/v1/datasets", "{\"name\": \"from-production\"}", owner))
                .get("id")
                .asString();
        path = "/api/v1/datasets/" + dataset + "/items/from-executions";
    }

    @Test
    void succeededExecutionsBecomeItemsWithTheirOutputAsExpected() {
        String prompt = echoPrompt(owner);
        String first = execute(prompt, "charged twice", owner);
        String second = execute(prompt, "app crashes", owner);

        var response = http.postJson(
                path,
                "{\"baseVersion\": 1, \"executionIds\": [\"%s\", \"%s\"], \"includeOutputAsExpected\": true}"
                        .formatted(first, second),
                owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(Http.json(response).get("changeNote").asString()).isEqualTo("added 2 items from executions");
        List<JsonNode> items = Http.json(http.get("/api/v1/datasets/" + dataset + "/versions/2/items", owner))
                .get("items")
                .valueStream()
                .toList();
        assertThat(items)
                .extracting(item -> item.get("input").get("ticket").asString())
                .containsExactly("charged twice", "app crashes");
        assertThat(items)
                .extracting(item -> item.get("expectedOutput").asString())
                .containsExactly("Triage: charged twice", "Triage: app crashes");
        assertThat(items)
                .extracting(item -> item.get("sourceExecutionId").asString())
                .containsExactly(first, second);

        var withoutOutput =
                http.postJson(path, "{\"baseVersion\": 2, \"executionIds\": [\"%s\"]}".formatted(first), owner);
        assertThat(withoutOutput.statusCode()).as(withoutOutput.body()).isEqualTo(201);
        JsonNode latest = Http.json(http.get("/api/v1/datasets/" + dataset + "/versions/latest/items", owner))
                .get("items")
                .get(2);
        assertThat(latest.has("expectedOutput")).isFalse();
    }

    @Test
    void foreignUnfinishedAndFailedExecutionsAreNamedAndNothingChanges() {
        String good = execute(echoPrompt(owner), "fine", owner);
        var other = tenants.create("other");
        String foreign = execute(
                echoPrompt(other.owner().bearer()), "theirs", other.owner().bearer());
        UUID pending = insertExecution("pending");
        UUID failed = insertExecution("failed");

        var response = http.postJson(
                path,
                "{\"baseVersion\": 1, \"executionIds\": [\"%s\", \"%s\", \"%s\", \"%s\"]}"
                        .formatted(good, foreign, pending, failed),
                owner);

        JsonNode problem = assertProblem(response, 400, "INVALID_REQUEST", path);
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("pointer").asString()).isEqualTo("#/executionIds");
        assertThat(error.get("detail").asString())
                .contains("not executions of this organization: " + foreign)
                .contains(pending + " (pending)")
                .contains(failed + " (failed)")
                .doesNotContain(good);
        assertThat(Http.json(http.get("/api/v1/datasets/" + dataset, owner))
                        .get("latestVersion")
                        .asInt())
                .isEqualTo(1);
    }

    private UUID insertExecution(String status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO executions (id, organization_id, provider, provider_model_id, input, status,
                                                error_code, finished_at)
                        VALUES (:id, :organization, 'echo', 'echo', '{"variables": {}}', :status,
                                CASE WHEN :status = 'failed' THEN 'PROVIDER_ERROR' END,
                                CASE WHEN :status = 'failed' THEN now() END)
                        """)
                .param("id", id)
                .param("organization", acme.organizationId)
                .param("status", status)
                .update();
        return id;
    }

    private String echoPrompt(String bearer) {
        String model = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}",
                        bearer))
                .get("id")
                .asString();
        var prompt = http.postJson(
                "/api/v1/prompts",
                "{\"name\": \"triage\", \"modelId\": \"%s\", \"template\": {\"format\": \"text\", \"text\": \"Triage: {{ticket}}\"}}"
                        .formatted(model),
                bearer);
        assertThat(prompt.statusCode()).as(prompt.body()).isEqualTo(201);
        return Http.json(prompt).get("id").asString();
    }

    private String execute(String prompt, String ticket, String bearer) {
        var response = http.postJson(
                "/api/v1/prompts/" + prompt + "/execute",
                "{\"variables\": {\"ticket\": \"%s\"}}".formatted(ticket),
                bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response).get("id").asString();
    }
}
