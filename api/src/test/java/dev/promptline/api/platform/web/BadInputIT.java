package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad input on every operation the OpenAPI document lists answers a 4xx problem detail, never a 5xx and never an HTML
 * page. The requests are generated from {@code /v3/api-docs} at test time, so an endpoint added later is covered
 * without touching this test: each path, query and header parameter and each field of a request body (found through
 * the body's schema) gets, one at a time, every value of a corpus of bad input for its type, the rest of the request
 * staying valid so that the bad value reaches as deep as it can. A success on the way must be a status the document
 * lists for the operation.
 */
@TestPropertySource(
        properties = {"promptline.rate-limit.requests-per-minute=100000000", "promptline.rate-limit.burst=100000000"})
class BadInputIT extends AuthenticatedApi {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Outside PostgreSQL's timestamptz range (4713 BC to 294276 AD), or at the edges of Java's. */
    private static final List<String> BAD_INSTANTS = List.of(
            "+294277-01-01T00:00:00Z",
            "-4714-11-23T00:00:00Z",
            "+1000000000-12-31T23:59:59.999999999Z",
            "-1000000000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2026-13-45T99:99:99Z");

    private static final List<String> BAD_STRINGS = List.of(
            "\u0000",
            "a\u0000b",
            "",
            " ",
            "x".repeat(300),
            "x".repeat(5_000),
            "a/b",
            "..",
            "%00",
            "' OR '1'='1",
            "\"quoted local\"@example.com",
            "\"a@b\"@example.com",
            "\u00e9\u4e2d\ud83d\ude00",
            "-1",
            "0",
            "99999999999999999999",
            "nope");

    private static final List<String> BAD_NUMBERS =
            List.of("0", "-1", "2147483648", "-2147483649", "1e308", "1.5", "NaN", "nope", "");

    /** Replaced by a lone surrogate escape in the JSON text: valid JSON, but not a valid UTF-16 string. */
    private static final String LONE_SURROGATE = "<lone-surrogate>";

    private static final String DEEP_TEMPLATE = "{{#a}}".repeat(8_000) + "{{/a}}".repeat(8_000);

    private String owner;
    private final Map<String, String> pathValues = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private int requests;

    @BeforeEach
    void fixtures() {
        owner = acme.owner().bearer();
        String model = created(
                "/api/v1/models", "{\"provider\": \"echo\", \"name\": \"fuzz-echo\", \"providerModelId\": \"echo\"}");
        String prompt = created("/api/v1/prompts", """
                {"name": "fuzz-prompt", "modelId": "%s", "template": {"format": "text", "text": "Hi {{name}}"}}
                """.formatted(model));
        String user = created("/api/v1/users", "{\"email\": \"fuzz@example.com\", \"role\": \"member\"}");
        String apiKey = Http.json(http.postJson("/api/v1/api-keys", "{\"name\": \"fuzz\"}", owner))
                .get("apiKey")
                .get("id")
                .asString();
        assertThat(http.putJson("/api/v1/prompts/" + prompt + "/labels/prod", "{\"version\": 1}", owner)
                        .statusCode())
                .isEqualTo(200);
        pathValues.put("promptId", prompt);
        pathValues.put("modelId", model);
        pathValues.put("userId", user);
        pathValues.put("apiKeyId", apiKey);
        pathValues.put("executionId", UUID.randomUUID().toString());
        pathValues.put("version", "1");
        pathValues.put("label", "prod");
        pathValues.put("name", "fuzz-prompt");
        String dataset = created(
                "/api/v1/datasets", "{\"name\": \"fuzz-dataset\", \"items\": [{\"input\": {\"name\": \"x\"}}]}");
        pathValues.put("datasetId", dataset);
        pathValues.put(
                "itemId",
                Http.json(http.get("/api/v1/datasets/" + dataset + "/versions/1/items", owner))
                        .get("items")
                        .get(0)
                        .get("id")
                        .asString());
    }

    @Test
    void noBadInputOnAnyDocumentedOperationAnswersAServerErrorOrANonProblemBody() {
        JsonNode document = Http.json(http.get("/v3/api-docs"));
        List<Operation> operations = operations(document);
        assertThat(operations).as("operations in /v3/api-docs").hasSizeGreaterThan(20);

        for (Operation operation : operations) {
            if (operation.method().equals("DELETE")) {
                // A valid delete would remove the fixtures the rest depend on: only its path is fuzzed.
                fuzzPath(operation);
                continue;
            }
            fuzzPath(operation);
            fuzzQuery(operation);
            fuzzHeaders(operation);
            fuzzBody(operation, document);
        }

        assertThat(requests).as("requests sent").isGreaterThan(1_000);
        assertThat(failures)
                .as("%d of %d requests answered badly", failures.size(), requests)
                .isEmpty();
    }

    @Test
    void pageTokensOutsideTheDatabasesTimeRangeAreClientErrors() {
        JsonNode document = Http.json(http.get("/v3/api-docs"));
        for (Operation operation : operations(document)) {
            if (operation.parameters().stream()
                    .anyMatch(p -> p.get("name").asString().equals("pageToken"))) {
                for (String instant : BAD_INSTANTS) {
                    String token = Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString((instant + "/" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
                    send(operation, Map.of(), Map.of("pageToken", token), Map.of(), null);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aNullVariableAndATemplateNestedDeeplyAreClientErrors() {
        String prompt = pathValues.get("promptId");
        for (String action : List.of("render", "execute")) {
            var response = http.postJson(
                    "/api/v1/prompts/" + prompt + "/" + action, "{\"variables\": {\"name\": null}}", owner);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        }
        String deepest = "{{#a}}".repeat(8_333) + "{{/a}}".repeat(8_333);
        for (String template : List.of(
                "{\"format\": \"text\", \"text\": \"%s\"}".formatted(deepest),
                "{\"format\": \"chat\", \"messages\": [{\"role\": \"user\", \"content\": \"%s\"}]}"
                        .formatted(deepest))) {
            var response = http.postJson(
                    "/api/v1/prompts",
                    "{\"name\": \"deep-%s\", \"template\": %s}".formatted(UUID.randomUUID(), template),
                    owner);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        }
    }

    private void fuzzPath(Operation operation) {
        for (JsonNode parameter : operation.parameters("path")) {
            String name = parameter.get("name").asString();
            for (String value : BAD_STRINGS) {
                send(operation, Map.of(name, value), Map.of(), Map.of(), seedBody(operation));
            }
        }
    }

    private void fuzzQuery(Operation operation) {
        for (JsonNode parameter : operation.parameters("query")) {
            String name = parameter.get("name").asString();
            JsonNode schema = parameter.path("schema");
            for (String value : badValues(schema)) {
                send(operation, Map.of(), Map.of(name, value), Map.of(), seedBody(operation));
            }
        }
    }

    private void fuzzHeaders(Operation operation) {
        for (JsonNode parameter : operation.parameters("header")) {
            String name = parameter.get("name").asString();
            if (name.equalsIgnoreCase("Accept")) {
                continue;
            }
            for (String value : List.of("k".repeat(256), "k".repeat(2_000), "", "nope")) {
                send(operation, Map.of(), Map.of(), Map.of(name, value), seedBody(operation));
            }
        }
    }

    private void fuzzBody(Operation operation, JsonNode document) {
        JsonNode schema = operation.bodySchema();
        if (schema == null) {
            return;
        }
        JsonNode seed = seedBody(operation);
        for (String whole : List.of("null", "[]", "\"\\u0000\"", "{}", "[".repeat(10_000) + "]".repeat(10_000))) {
            sendRaw(operation, whole);
        }
        fuzzFields(operation, document, resolve(document, schema), (ObjectNode) seed, List.of());
    }

    /** Replaces one field at a time (found through the schema, nested objects included) with each bad value. */
    private void fuzzFields(
            Operation operation, JsonNode document, JsonNode schema, ObjectNode seed, List<String> parents) {
        for (var property : schema.path("properties").properties()) {
            String field = property.getKey();
            JsonNode fieldSchema = resolve(document, property.getValue());
            List<String> path = new ArrayList<>(parents);
            path.add(field);
            List<JsonNode> values = new ArrayList<>();
            values.add(NODES.nullNode());
            String type = fieldSchema.path("type").asString("");
            switch (type) {
                case "string" -> {
                    badValues(fieldSchema).forEach(value -> values.add(NODES.stringNode(value)));
                    values.add(NODES.stringNode(DEEP_TEMPLATE));
                    values.add(NODES.stringNode("a" + LONE_SURROGATE));
                    values.add(NODES.numberNode(42));
                }
                case "integer", "number" -> {
                    values.add(NODES.numberNode(0));
                    values.add(NODES.numberNode(-1));
                    values.add(NODES.numberNode(Long.MAX_VALUE));
                    values.add(NODES.numberNode(1e308));
                    values.add(NODES.stringNode("1"));
                }
                case "boolean" -> values.add(NODES.stringNode("yes"));
                case "array" -> {
                    ArrayNode nul = NODES.arrayNode().add("\u0000");
                    ArrayNode many = NODES.arrayNode();
                    for (int i = 0; i < 1_000; i++) {
                        many.add("t" + i);
                    }
                    values.add(nul);
                    values.add(many);
                    values.add(NODES.arrayNode().addNull());
                    values.add(NODES.arrayNode().add("x".repeat(300)));
                }
                case "object" -> {
                    if (fieldSchema.has("additionalProperties")) {
                        values.add(NODES.objectNode().putNull("name"));
                        values.add(NODES.objectNode().put("name", "\u0000"));
                        values.add(NODES.objectNode().put("\u0000", "x"));
                        values.add(NODES.objectNode().put("name", LONE_SURROGATE));
                        values.add(NODES.objectNode().put("name", "x").put("x".repeat(300), "x"));
                    }
                    if (fieldSchema.has("properties")) {
                        ObjectNode nested = seed.get(field) instanceof ObjectNode present
                                ? present
                                : defaultObject(document, fieldSchema);
                        ObjectNode copy = seed.deepCopy();
                        copy.set(field, nested.deepCopy());
                        fuzzFields(operation, document, fieldSchema, copy, path);
                    }
                    values.add(NODES.stringNode("x"));
                }
                default -> {}
            }
            for (JsonNode value : values) {
                ObjectNode body = seed.deepCopy();
                set(body, path, value);
                sendRaw(operation, JSON.writeValueAsString(body).replace(LONE_SURROGATE, "\\ud800"));
            }
        }
    }

    private static void set(ObjectNode body, List<String> path, JsonNode value) {
        ObjectNode target = body;
        for (String parent : path.subList(0, path.size() - 1)) {
            ObjectNode nested = target.get(parent) instanceof ObjectNode present ? present : NODES.objectNode();
            target.set(parent, nested);
            target = nested;
        }
        target.set(path.getLast(), value);
    }

    private static List<String> badValues(JsonNode schema) {
        String type = schema.path("type").asString("");
        String format = schema.path("format").asString("");
        if (type.equals("integer") || type.equals("number")) {
            return BAD_NUMBERS;
        }
        if (format.equals("date-time")) {
            return concat(BAD_INSTANTS, List.of("\u0000", "nope"));
        }
        if (type.equals("boolean")) {
            return List.of("maybe", "\u0000", "");
        }
        return BAD_STRINGS;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        var all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** A valid body for the operation: the known-good one below when there is one, else built from its schema. */
    private @Nullable JsonNode seedBody(Operation operation) {
        String known = switch (operation.method() + " " + operation.path()) {
            case "POST /api/v1/models" ->
                "{\"provider\": \"echo\", \"name\": \"m-%s\", \"providerModelId\": \"echo\"}"
                        .formatted(UUID.randomUUID());
            case "PATCH /api/v1/models/{modelId}" -> "{\"name\": \"fuzz-echo\"}";
            case "POST /api/v1/prompts" ->
                "{\"name\": \"p-%s\", \"template\": {\"format\": \"text\", \"text\": \"Hi {{name}}\"}}"
                        .formatted(UUID.randomUUID());
            case "POST /api/v1/prompts/{promptId}/versions" ->
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"Hi {{name}}\"}}";
            case "PATCH /api/v1/prompts/{promptId}" -> "{\"description\": \"d\", \"tags\": [\"t\"]}";
            case "PUT /api/v1/prompts/{promptId}/labels/{label}" -> "{\"version\": 1}";
            case "POST /api/v1/prompts/{promptId}/render", "POST /api/v1/prompts/{promptId}/execute" ->
                // Pinned: a valid mutation of another operation may add a version without the variable.
                "{\"variables\": {\"name\": \"x\"}, \"version\": 1}";
            case "POST /api/v1/users" ->
                "{\"email\": \"u-%s@example.com\", \"role\": \"member\"}".formatted(UUID.randomUUID());
            case "PATCH /api/v1/users/{userId}" -> "{\"name\": \"n\"}";
            case "POST /api/v1/api-keys" -> "{\"name\": \"k\", \"expiresAt\": \"2100-01-01T00:00:00Z\"}";
            case "POST /api/v1/datasets" ->
                "{\"name\": \"d-%s\", \"items\": [{\"input\": {\"name\": \"x\"}, \"metadata\": {\"k\": 1}}]}"
                        .formatted(UUID.randomUUID());
            // A valid mutation makes baseVersion stale (409); bad values are refused before it is compared.
            case "POST /api/v1/datasets/{datasetId}/items" ->
                "{\"baseVersion\": 1, \"items\": [{\"input\": {\"name\": \"x\"}, \"expectedOutput\": \"y\"}]}";
            case "POST /api/v1/datasets/{datasetId}/items/from-executions" ->
                "{\"baseVersion\": 1, \"executionIds\": [\"%s\"], \"includeOutputAsExpected\": true}"
                        .formatted(UUID.randomUUID());
            default -> null;
        };
        if (known != null) {
            return JSON.readTree(known);
        }
        return operation.bodySchema() == null ? null : NODES.objectNode();
    }

    private static ObjectNode defaultObject(JsonNode document, JsonNode schema) {
        ObjectNode object = NODES.objectNode();
        for (JsonNode required : schema.path("required")) {
            JsonNode property = resolve(document, schema.path("properties").path(required.asString()));
            String name = required.asString();
            switch (property.path("type").asString("")) {
                case "integer", "number" -> object.put(name, 1);
                case "boolean" -> object.put(name, true);
                case "array" -> object.set(name, NODES.arrayNode());
                case "object" -> object.set(name, defaultObject(document, property));
                default ->
                    object.put(
                            name,
                            property.has("enum")
                                    ? property.get("enum").get(0).asString()
                                    : property.path("format").asString("").equals("uuid")
                                            ? UUID.randomUUID().toString()
                                            : "x");
            }
        }
        return object;
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        JsonNode resolved = schema;
        while (resolved.has("$ref")) {
            String ref = resolved.get("$ref").asString();
            resolved = document.at(ref.substring(1));
        }
        return resolved;
    }

    private void sendRaw(Operation operation, String body) {
        send(operation, Map.of(), Map.of(), Map.of(), body);
    }

    private void send(
            Operation operation,
            Map<String, String> path,
            Map<String, String> query,
            Map<String, String> headers,
            @Nullable Object body) {
        String uri = operation.path();
        for (JsonNode parameter : operation.parameters("path")) {
            String name = parameter.get("name").asString();
            String value = path.getOrDefault(
                    name, pathValues.getOrDefault(name, UUID.randomUUID().toString()));
            uri = uri.replace("{" + name + "}", encode(value).replace("+", "%20"));
        }
        if (!query.isEmpty()) {
            uri += query.entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + encode(entry.getValue()))
                    .collect(Collectors.joining("&", "?", ""));
        }
        HttpRequest.Builder request = http.request(uri).header("Authorization", owner);
        headers.forEach(request::header);
        String text =
                body == null ? null : body instanceof JsonNode json ? JSON.writeValueAsString(json) : (String) body;
        if (text == null) {
            request.method(operation.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(operation.method(), HttpRequest.BodyPublishers.ofString(text));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build());
        } catch (UncheckedIOException e) {
            throw new AssertionError(
                    "%s %s %s: no whole answer".formatted(operation.method(), abbreviate(uri), abbreviate(text)), e);
        }
        requests++;
        check(operation, uri, headers, text, response);
    }

    private void check(
            Operation operation,
            String uri,
            Map<String, String> headers,
            @Nullable String body,
            HttpResponse<String> response) {
        int status = response.statusCode();
        String what = "%s %s %s %s -> %d %s"
                .formatted(
                        operation.method(),
                        abbreviate(uri),
                        headers.isEmpty() ? "" : abbreviate(headers.toString()),
                        body == null ? "" : abbreviate(body),
                        status,
                        abbreviate(response.body()));
        if (status >= 500) {
            failures.add(what);
            return;
        }
        if (status < 300 && !operation.spec().path("responses").has(String.valueOf(status))) {
            failures.add("undocumented status: " + what);
            return;
        }
        if (status >= 400) {
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (!contentType.equals("application/problem+json")) {
                failures.add("not problem+json: " + what);
                return;
            }
            JsonNode problem = Http.json(response);
            if (problem.path("status").asInt() != status
                    || problem.path("code").asString("").isEmpty()
                    || problem.path("requestId").asString("").isEmpty()) {
                failures.add("incomplete problem: " + what);
            }
        }
    }

    private static String abbreviate(String text) {
        String printable = text.replace("\u0000", "\\u0000");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String created(String path, String json) {
        var response = http.postJson(path, json, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private static List<Operation> operations(JsonNode document) {
        var operations = new ArrayList<Operation>();
        for (var path : document.get("paths").properties()) {
            for (var method : path.getValue().properties()) {
                if (List.of("get", "post", "put", "patch", "delete").contains(method.getKey())) {
                    operations.add(new Operation(
                            method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), method.getValue()));
                }
            }
        }
        return operations;
    }

    private record Operation(String method, String path, JsonNode spec) {
        List<JsonNode> parameters() {
            var all = new ArrayList<JsonNode>();
            spec.path("parameters").forEach(all::add);
            return all;
        }

        List<JsonNode> parameters(String in) {
            return parameters().stream()
                    .filter(parameter -> parameter.path("in").asString().equals(in))
                    .toList();
        }

        @Nullable
        JsonNode bodySchema() {
            JsonNode schema = spec.path("requestBody")
                    .path("content")
                    .path("application/json")
                    .path("schema");
            return schema.isMissingNode() ? null : schema;
        }
    }
}
