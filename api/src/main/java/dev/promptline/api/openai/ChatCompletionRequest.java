package dev.promptline.api.openai;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/chat/completions} body, read field by field so that every field this API cannot honour is refused
 * with a 400 naming it, never dropped: the SDKs send only what their caller set, so a refused field is one the caller
 * asked for. Fields set to their default value (such as {@code n: 1}) are accepted.
 *
 * @param variables the template's variables, from the extra field {@code prompt_variables}
 * @param messages the client's messages, sent after the prompt's (or alone, to a registered model)
 * @param gateway the gateway's extra fields (fallback models, attempt timeouts, cache, split key), as on
 *     {@code /v1/responses}
 */
record ChatCompletionRequest(
        String model,
        ModelReference reference,
        List<ChatMessage> messages,
        Map<String, String> variables,
        ModelParameters parameters,
        boolean stream,
        boolean includeUsage,
        GatewayFields gateway) {

    /** Fields read below. */
    private static final Set<String> KNOWN = Set.of(
            "model",
            "messages",
            "prompt_variables",
            "stream",
            "stream_options",
            "temperature",
            "top_p",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "n",
            "logprobs",
            "presence_penalty",
            "frequency_penalty",
            "tool_choice",
            "parallel_tool_calls",
            "store",
            "response_format");

    /** OpenAI's fields that this API cannot honour (yet), with why; refused whenever they are set. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("tools", "tool calling is not supported yet: the runtime's contract carries no tool calls"),
            Map.entry(
                    "functions", "function calling is not supported yet: the runtime's contract carries no tool calls"),
            Map.entry("function_call", "function calling is not supported yet"),
            Map.entry("seed", "the runtime's contract does not pass a seed to providers"),
            Map.entry("logit_bias", "the runtime's contract does not pass logit biases to providers"),
            Map.entry("top_logprobs", "log probabilities are not returned"),
            Map.entry("metadata", "stored completions are not supported"),
            Map.entry("modalities", "only text output is supported"),
            Map.entry("audio", "only text output is supported"),
            Map.entry("prediction", "predicted outputs are not supported"),
            Map.entry("reasoning_effort", "the runtime's contract does not pass a reasoning effort to providers"),
            Map.entry("verbosity", "the runtime's contract does not pass a verbosity to providers"),
            Map.entry("service_tier", "service tiers are not supported"),
            Map.entry("web_search_options", "web search is not supported"),
            Map.entry("prompt_cache_key", "the runtime's contract does not pass a prompt cache key to providers"),
            Map.entry("safety_identifier", "the runtime's contract does not pass a safety identifier to providers"));

    static ChatCompletionRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "The request body must be a JSON object.");
        }
        checkFields(body, GatewayFields.with(KNOWN), REFUSED);
        refuseUnlessDefault(body);
        String model = text(body, "model");
        if (model == null || model.isBlank()) {
            throw invalid("model", "'model' is required: a registered model's name or prompt:<name>.");
        }
        ModelReference reference = ModelReference.parse(model);
        List<ChatMessage> messages = messages(body.get("messages"));
        Map<String, String> variables = variables(body.get("prompt_variables"));
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!stream) {
                throw invalid("stream_options", "'stream_options' is only allowed when 'stream' is true.");
            }
            if (!options.isObject()) {
                throw invalid("stream_options", "'stream_options' must be an object.");
            }
            for (String option : options.propertyNames()) {
                if (!option.equals("include_usage")) {
                    throw unsupported("stream_options." + option, "'stream_options." + option + "' is not supported.");
                }
            }
            includeUsage = bool(options, "include_usage", "stream_options.include_usage");
        }
        ModelParameters parameters = parameters(body);
        if (reference instanceof ModelReference.Registered) {
            if (!variables.isEmpty()) {
                throw invalid(
                        "prompt_variables", "'prompt_variables' needs a prompt: name one in 'model' as prompt:<name>.");
            }
            if (messages.isEmpty()) {
                throw invalid("messages", "'messages' must not be empty when 'model' names a registered model.");
            }
        }
        return new ChatCompletionRequest(
                model, reference, messages, variables, parameters, stream, includeUsage, GatewayFields.parse(body));
    }

    private static ModelParameters parameters(JsonNode body) {
        Double temperature = number(body, "temperature", 0, 2);
        Double topP = number(body, "top_p", 0, 1);
        Integer maxTokens = count(body, "max_tokens");
        Integer maxCompletionTokens = count(body, "max_completion_tokens");
        if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
            throw invalid(
                    "max_completion_tokens", "'max_tokens' and 'max_completion_tokens' disagree; send one of them.");
        }
        return new ModelParameters(
                temperature, topP, maxCompletionTokens != null ? maxCompletionTokens : maxTokens, stop(body));
    }

    /** Fields OpenAI knows whose default is all this API does: accepted at their default, refused otherwise. */
    private static void refuseUnlessDefault(JsonNode body) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            throw unsupported("n", "'n' must be 1: one choice per request is supported.");
        }
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.isBoolean() && !logprobs.asBoolean())) {
            throw unsupported("logprobs", "'logprobs' is not supported: log probabilities are not returned.");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            JsonNode value = body.get(penalty);
            if (value != null && !value.isNull() && !(value.isNumber() && value.asDouble() == 0)) {
                throw unsupported(
                        penalty, "'%s' is not supported: the runtime's contract does not pass it.".formatted(penalty));
            }
        }
        refuseToolCalling(body);
        JsonNode store = body.get("store");
        if (store != null && !store.isNull() && !(store.isBoolean() && !store.asBoolean())) {
            throw unsupported("store", "'store' is not supported: completions are recorded as executions instead.");
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull()) {
            JsonNode type = format.get("type");
            if (!(format.isObject()
                    && type != null
                    && type.isString()
                    && type.asString().equals("text"))) {
                throw unsupported(
                        "response_format",
                        "'response_format' other than {\"type\": \"text\"} is not supported: the runtime's contract"
                                + " does not pass JSON modes or schemas to providers.");
            }
        }
    }

    private static List<ChatMessage> messages(@Nullable JsonNode messages) {
        if (messages == null || messages.isNull()) {
            return List.of();
        }
        if (!messages.isArray()) {
            throw invalid("messages", "'messages' must be an array.");
        }
        var result = new ArrayList<ChatMessage>();
        for (int i = 0; i < messages.size(); i++) {
            result.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return List.copyOf(result);
    }

    private static ChatMessage message(JsonNode message, String param) {
        if (!message.isObject()) {
            throw invalid(param, "'%s' must be an object with a role and content.".formatted(param));
        }
        String role = text(message, "role", param + ".role");
        String mapped = switch (role == null ? "" : role) {
            case "system", "developer" -> "system";
            case "user" -> "user";
            case "assistant" -> "assistant";
            case "tool", "function" ->
                throw unsupported(
                        param + ".role",
                        "Role '%s' is not supported: tool calling is not supported yet.".formatted(role));
            default ->
                throw invalid(
                        param + ".role",
                        "'%s.role' must be one of system, developer, user, assistant.".formatted(param));
        };
        for (String field : message.propertyNames()) {
            if (message.get(field).isNull()) {
                continue;
            }
            switch (field) {
                case "role", "content" -> {}
                case "tool_calls", "function_call", "tool_call_id" ->
                    throw unsupported(
                            param + "." + field,
                            "'%s.%s' is not supported: tool calling is not supported yet.".formatted(param, field));
                default ->
                    throw unsupported(
                            param + "." + field,
                            "'%s.%s' is not supported: messages carry a role and text content."
                                    .formatted(param, field));
            }
        }
        return new ChatMessage(mapped, content(message.get("content"), param + ".content"));
    }

    private static String content(@Nullable JsonNode content, String param) {
        if (content == null || content.isNull()) {
            throw invalid(param, "'%s' is required.".formatted(param));
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw invalid(param, "'%s' must be a string or an array of text parts.".formatted(param));
        }
        var text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            JsonNode type = part.get("type");
            if (type == null
                    || !type.isString()
                    || !type.asString().equals("text")
                    || !part.path("text").isString()) {
                throw unsupported(
                        param + "[" + i + "]",
                        "Only text content parts are supported ({\"type\": \"text\", \"text\": ...}).");
            }
            text.append(part.get("text").asString());
        }
        return text.toString();
    }

    static Map<String, String> variables(@Nullable JsonNode variables) {
        if (variables == null || variables.isNull()) {
            return Map.of();
        }
        if (!variables.isObject()) {
            throw invalid("prompt_variables", "'prompt_variables' must be an object of names to text.");
        }
        var result = new LinkedHashMap<String, String>();
        for (String name : variables.propertyNames()) {
            JsonNode value = variables.get(name);
            if (!(value.isString() || value.isNumber() || value.isBoolean())) {
                throw invalid("prompt_variables." + name, "'prompt_variables.%s' must be text.".formatted(name));
            }
            result.put(name, value.asString());
        }
        return result;
    }

    static @Nullable List<String> stop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw invalid("stop", "'stop' must be a string or an array of up to 4 strings.");
        }
        var sequences = new ArrayList<String>();
        for (JsonNode sequence : stop) {
            if (!sequence.isString() || sequence.asString().isEmpty()) {
                throw invalid("stop", "'stop' must be a string or an array of up to 4 non-empty strings.");
            }
            sequences.add(sequence.asString());
        }
        return sequences;
    }

    static @Nullable Double number(JsonNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw invalid(field, "'%s' must be a number from %s to %s.".formatted(field, format(min), format(max)));
        }
        return value.asDouble();
    }

    static @Nullable Integer count(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > 1_000_000) {
            throw invalid(field, "'%s' must be an integer from 1 to 1000000.".formatted(field));
        }
        return value.asInt();
    }

    static boolean bool(JsonNode node, String field) {
        return bool(node, field, field);
    }

    static boolean bool(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(param, "'%s' must be true or false.".formatted(param));
        }
        return value.asBoolean();
    }

    static @Nullable String text(JsonNode node, String field) {
        return text(node, field, field);
    }

    static @Nullable String text(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(param, "'%s' must be a string.".formatted(param));
        }
        return value.asString();
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? String.valueOf((long) bound) : String.valueOf(bound);
    }

    /**
     * Refuses a field this endpoint cannot honour (400 naming it and why) and one it does not know, as OpenAI does;
     * a null field is as good as absent.
     */
    /** Both APIs' tool-calling switches: accepted only when they ask for no tool call. */
    static void refuseToolCalling(JsonNode body) {
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null
                && !toolChoice.isNull()
                && !(toolChoice.isString() && toolChoice.asString().equals("none"))) {
            throw unsupported("tool_choice", "'tool_choice' is not supported: tool calling is not supported yet.");
        }
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull()) {
            throw unsupported(
                    "parallel_tool_calls",
                    "'parallel_tool_calls' is not supported: tool calling is not supported yet.");
        }
    }

    static void checkFields(JsonNode body, Set<String> known, Map<String, String> refused) {
        for (String field : body.propertyNames()) {
            if (body.get(field).isNull()) {
                continue;
            }
            String reason = refused.get(field);
            if (reason != null) {
                throw unsupported(field, "'%s' is not supported: %s.".formatted(field, reason));
            }
            if (!known.contains(field)) {
                throw invalid(field, "Unrecognized request argument supplied: " + field);
            }
        }
    }

    static OpenAiException invalid(@Nullable String param, String message) {
        return new OpenAiException(
                new OpenAiError(400, message, OpenAiErrors.INVALID_REQUEST, param, "invalid_parameter"));
    }

    static OpenAiException unsupported(String param, String message) {
        return new OpenAiException(OpenAiError.unsupportedParam(param, message));
    }
}
