package dev.promptline.api.openai;

import static dev.promptline.api.openai.ChatCompletionRequest.bool;
import static dev.promptline.api.openai.ChatCompletionRequest.count;
import static dev.promptline.api.openai.ChatCompletionRequest.invalid;
import static dev.promptline.api.openai.ChatCompletionRequest.number;
import static dev.promptline.api.openai.ChatCompletionRequest.text;
import static dev.promptline.api.openai.ChatCompletionRequest.unsupported;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/responses} body. {@code prompt: {id, version, variables}} names a saved prompt: {@code id} is its
 * name, {@code version} a version number or a label (absent: the {@code production} label, else the newest), and
 * {@code variables} the template's variables; {@code model}, if given with a prompt, names a registered model to run
 * it on instead of its version's. Without a prompt, {@code model} follows the chat completions' grammar. {@code input}
 * (text, or messages) and {@code instructions} (a system message before it) are sent after the prompt's messages. As
 * for chat completions, every field that cannot be honoured is refused by name.
 *
 * @param model what the response names as its model: the request's {@code model}, else {@code prompt:<id>}
 * @param runOn a registered model to run the prompt on; null for the version's
 * @param gateway the gateway's extra fields (fallback models, attempt timeouts, cache, split key), read as on
 *     {@code /v1/chat/completions}
 */
record ResponsesRequest(
        String model,
        ModelReference reference,
        @Nullable String runOn,
        List<ChatMessage> messages,
        Map<String, String> variables,
        ModelParameters parameters,
        boolean stream,
        @Nullable String instructions,
        @Nullable Map<String, Object> prompt,
        GatewayFields gateway) {

    private static final Set<String> KNOWN = Set.of(
            "model",
            "prompt",
            "input",
            "instructions",
            "stream",
            "temperature",
            "top_p",
            "max_output_tokens",
            "store",
            "text",
            "truncation",
            "tool_choice",
            "tools",
            "include",
            "parallel_tool_calls",
            "background");

    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("previous_response_id", "responses are not stored, so none can be continued"),
            Map.entry("conversation", "conversations are not stored"),
            Map.entry("reasoning", "the runtime's contract does not pass reasoning options to providers"),
            Map.entry("metadata", "stored responses are not supported"),
            Map.entry("safety_identifier", "the runtime's contract does not pass a safety identifier to providers"),
            Map.entry("prompt_cache_key", "the runtime's contract does not pass a prompt cache key to providers"),
            Map.entry("service_tier", "service tiers are not supported"),
            Map.entry("top_logprobs", "log probabilities are not returned"),
            Map.entry("max_tool_calls", "tool calling is not supported yet"),
            Map.entry("stream_options", "stream options are not supported"));

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,99}");

    static ResponsesRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "The request body must be a JSON object.");
        }
        ChatCompletionRequest.checkFields(body, GatewayFields.with(KNOWN), REFUSED);
        refuseUnlessDefault(body);
        String model = text(body, "model");
        JsonNode prompt = body.get("prompt");
        ModelReference reference;
        String runOn = null;
        Map<String, String> variables = Map.of();
        Map<String, Object> echo = null;
        if (prompt != null && !prompt.isNull()) {
            if (!prompt.isObject()) {
                throw invalid(
                        "prompt", "'prompt' must be an object with an id, and optionally a version and variables.");
            }
            for (String field : prompt.propertyNames()) {
                if (!Set.of("id", "version", "variables").contains(field)) {
                    throw invalid("prompt." + field, "Unrecognized request argument supplied: prompt." + field);
                }
            }
            String id = text(prompt, "id", "prompt.id");
            if (id == null || id.isBlank()) {
                throw invalid("prompt.id", "'prompt.id' is required: the saved prompt's name.");
            }
            String version = text(prompt, "version", "prompt.version");
            Integer number = null;
            String label = null;
            if (version != null) {
                if (VERSION.matcher(version).matches()) {
                    number = Integer.valueOf(version);
                } else if (LABEL.matcher(version).matches()) {
                    label = version;
                } else {
                    throw invalid("prompt.version", "'prompt.version' must be a version number or a label.");
                }
            }
            reference = new ModelReference.Prompt(id, number, label);
            variables = variables(prompt.get("variables"));
            runOn = model;
            if (model == null) {
                model = ModelReference.PROMPT_PREFIX + id;
            }
            echo = new LinkedHashMap<>();
            echo.put("id", id);
            echo.put("version", version);
            echo.put("variables", variables);
        } else {
            if (model == null || model.isBlank()) {
                throw invalid("model", "'model' or 'prompt' is required.");
            }
            reference = ModelReference.parse(model);
        }
        String instructions = text(body, "instructions");
        var messages = new ArrayList<ChatMessage>();
        if (instructions != null) {
            messages.add(new ChatMessage("system", instructions));
        }
        messages.addAll(input(body.get("input")));
        if (reference instanceof ModelReference.Registered && messages.isEmpty()) {
            throw invalid("input", "'input' is required when 'model' names a registered model.");
        }
        var parameters = new ModelParameters(
                number(body, "temperature", 0, 2), number(body, "top_p", 0, 1), count(body, "max_output_tokens"), null);
        return new ResponsesRequest(
                model,
                reference,
                runOn,
                List.copyOf(messages),
                variables,
                parameters,
                bool(body, "stream"),
                instructions,
                echo,
                GatewayFields.parse(body));
    }

    /** Fields whose default is all this API does: accepted at their default, refused otherwise. */
    private static void refuseUnlessDefault(JsonNode body) {
        JsonNode store = body.get("store");
        if (store != null && !store.isNull() && !(store.isBoolean() && !store.asBoolean())) {
            throw unsupported(
                    "store",
                    "'store' must be false: responses are recorded as executions (GET /api/v1/executions/{id}), not"
                            + " stored for /v1/responses/{id}.");
        }
        JsonNode background = body.get("background");
        if (background != null && !background.isNull() && !(background.isBoolean() && !background.asBoolean())) {
            throw unsupported("background", "'background' is not supported: responses run while the request waits.");
        }
        JsonNode truncation = body.get("truncation");
        if (truncation != null
                && !truncation.isNull()
                && !(truncation.isString() && truncation.asString().equals("disabled"))) {
            throw unsupported("truncation", "'truncation' must be \"disabled\".");
        }
        JsonNode text = body.get("text");
        if (text != null && !text.isNull()) {
            JsonNode type = text.path("format").path("type");
            if (!(text.isObject()
                    && text.size() == 1
                    && type.isString()
                    && type.asString().equals("text"))) {
                throw unsupported(
                        "text",
                        "'text' other than {\"format\": {\"type\": \"text\"}} is not supported: the runtime's contract"
                                + " does not pass JSON modes, schemas or verbosity to providers.");
            }
        }
        for (String list : List.of("tools", "include")) {
            JsonNode value = body.get(list);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                throw unsupported(
                        list,
                        list.equals("tools")
                                ? "'tools' is not supported: tool calling is not supported yet."
                                : "'include' is not supported: no extra output is returned.");
            }
        }
        ChatCompletionRequest.refuseToolCalling(body);
    }

    private static List<ChatMessage> input(@Nullable JsonNode input) {
        if (input == null || input.isNull()) {
            return List.of();
        }
        if (input.isString()) {
            return List.of(new ChatMessage("user", input.asString()));
        }
        if (!input.isArray()) {
            throw invalid("input", "'input' must be text or an array of messages.");
        }
        var messages = new ArrayList<ChatMessage>();
        for (int i = 0; i < input.size(); i++) {
            String param = "input[" + i + "]";
            JsonNode item = input.get(i);
            JsonNode type = item.get("type");
            if (!item.isObject()
                    || (type != null && !(type.isString() && type.asString().equals("message")))) {
                throw unsupported(
                        param, "Only message items ({\"role\": …, \"content\": …}) are supported in 'input'.");
            }
            String role = text(item, "role", param + ".role");
            String mapped = switch (role == null ? "" : role) {
                case "system", "developer" -> "system";
                case "user" -> "user";
                case "assistant" -> "assistant";
                default ->
                    throw invalid(
                            param + ".role",
                            "'%s.role' must be one of system, developer, user, assistant.".formatted(param));
            };
            messages.add(new ChatMessage(mapped, content(item.get("content"), param + ".content")));
        }
        return messages;
    }

    private static String content(@Nullable JsonNode content, String param) {
        if (content != null && content.isString()) {
            return content.asString();
        }
        if (content == null || !content.isArray()) {
            throw invalid(param, "'%s' must be text or an array of text parts.".formatted(param));
        }
        var text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").isString() ? part.path("type").asString() : "";
            if (!(type.equals("input_text") || type.equals("output_text"))
                    || !part.path("text").isString()) {
                throw unsupported(param + "[" + i + "]", "Only text parts (input_text, output_text) are supported.");
            }
            text.append(part.get("text").asString());
        }
        return text.toString();
    }

    /** The template's variables: text, or OpenAI's {@code input_text} objects. */
    private static Map<String, String> variables(@Nullable JsonNode variables) {
        if (variables == null || variables.isNull()) {
            return Map.of();
        }
        if (!variables.isObject()) {
            throw invalid("prompt.variables", "'prompt.variables' must be an object of names to text.");
        }
        var result = new LinkedHashMap<String, String>();
        for (String name : variables.propertyNames()) {
            JsonNode value = variables.get(name);
            if (value.isObject()
                    && value.path("type").asString("").equals("input_text")
                    && value.path("text").isString()) {
                result.put(name, value.get("text").asString());
            } else if (value.isString() || value.isNumber() || value.isBoolean()) {
                result.put(name, value.asString());
            } else {
                throw invalid("prompt.variables." + name, "'prompt.variables.%s' must be text.".formatted(name));
            }
        }
        return result;
    }
}
