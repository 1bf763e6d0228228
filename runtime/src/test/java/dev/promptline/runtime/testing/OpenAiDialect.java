package dev.promptline.runtime.testing;

import static dev.promptline.runtime.testing.Dialect.quote;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Chat Completions streaming: {@code data:}-only events, a chunk carrying the finish reason, a usage chunk
 * with empty choices (what {@code stream_options.include_usage} asks for) and {@code data: [DONE]}; without
 * {@code "stream": true}, one {@code chat.completion} object.
 */
final class OpenAiDialect implements Dialect {

    @Override
    public String path() {
        return "/v1/chat/completions";
    }

    @Override
    public List<String> preamble(Message message) {
        return List.of();
    }

    @Override
    public String tokenEvent(Message message, String token) {
        return chunk(message, "{\"role\":\"assistant\",\"content\":" + quote(token) + "}", null);
    }

    @Override
    public String malformedEvent() {
        return "data: {\"choices\": [ {\n\n";
    }

    @Override
    public List<String> ending(Message message, Reply.Stream stream) {
        int input = message.inputTokens();
        int output = stream.tokens().size();
        String usage = "{\"id\":" + quote(message.id()) + ",\"object\":\"chat.completion.chunk\",\"created\":"
                + message.createdEpochSecond() + ",\"model\":" + quote(message.model())
                + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output
                + ",\"total_tokens\":" + (input + output) + "}}";
        return List.of(
                chunk(message, "{}", stream.lengthLimited() ? "length" : "stop"),
                "data: " + usage + "\n\n",
                "data: [DONE]\n\n");
    }

    @Override
    public String completion(Message message, String text, Reply.Stream stream) {
        int input = message.inputTokens();
        int output = stream.tokens().size();
        return "{\"id\":" + quote(message.id()) + ",\"object\":\"chat.completion\",\"created\":"
                + message.createdEpochSecond() + ",\"model\":" + quote(message.model())
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + quote(text)
                + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":"
                + quote(stream.lengthLimited() ? "length" : "stop") + "}],\"usage\":{\"prompt_tokens\":" + input
                + ",\"completion_tokens\":" + output + ",\"total_tokens\":" + (input + output) + "}}";
    }

    @Override
    public String errorBody(int status) {
        return switch (status) {
            case 400 -> error("Invalid request.", "invalid_request_error", null);
            case 401 -> error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
            case 403 -> error("You are not allowed to use this model.", "invalid_request_error", "model_not_found");
            case 404 -> error("Invalid URL.", "invalid_request_error", "unknown_url");
            case 429 -> error("Rate limit reached for requests.", "requests", "rate_limit_exceeded");
            case 503 -> error("The server is overloaded or not ready yet.", "server_error", null);
            default ->
                status >= 500
                        ? error("The server had an error while processing your request.", "server_error", null)
                        : error("Request failed with status " + status + ".", "invalid_request_error", null);
        };
    }

    private static String chunk(Message message, String delta, @Nullable String finishReason) {
        return "data: {\"id\":" + quote(message.id()) + ",\"object\":\"chat.completion.chunk\",\"created\":"
                + message.createdEpochSecond() + ",\"model\":" + quote(message.model())
                + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : quote(finishReason)) + "}]}\n\n";
    }

    private static String error(String message, String type, @Nullable String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":null,\"code\":"
                + (code == null ? "null" : quote(code)) + "}}";
    }
}
