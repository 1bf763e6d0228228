package dev.promptline.runtime.testing;

import static dev.promptline.runtime.testing.Dialect.quote;

import java.util.List;

/**
 * Anthropic Messages streaming: named events ({@code event:} line before each {@code data:} line) for one text
 * block. LangChain4j dispatches on the event name, takes input tokens from {@code message_start}, output tokens and
 * stop reason from {@code message_delta}, and completes only on {@code message_stop}. Without {@code "stream": true},
 * one {@code message} object.
 */
final class AnthropicDialect implements Dialect {

    @Override
    public String path() {
        return "/v1/messages";
    }

    @Override
    public List<String> preamble(Message message) {
        return List.of(
                event(
                        "message_start",
                        "{\"type\":\"message_start\",\"message\":{\"id\":" + quote(message.id())
                                + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(message.model())
                                + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
                                + "{\"input_tokens\":" + message.inputTokens() + ",\"output_tokens\":1}}}"),
                event(
                        "content_block_start",
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                event("ping", "{\"type\":\"ping\"}"));
    }

    @Override
    public String tokenEvent(Message message, String token) {
        return event(
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                        + quote(token) + "}}");
    }

    @Override
    public String malformedEvent() {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{");
    }

    @Override
    public List<String> ending(Message message, Reply.Stream stream) {
        String stopReason = stream.lengthLimited() ? "max_tokens" : "end_turn";
        return List.of(
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                event(
                        "message_delta",
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + quote(stopReason)
                                + ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
                                + stream.tokens().size() + "}}"),
                event("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Override
    public String completion(Message message, String text, Reply.Stream stream) {
        return "{\"id\":" + quote(message.id()) + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + quote(message.model()) + ",\"content\":[{\"type\":\"text\",\"text\":" + quote(text)
                + "}],\"stop_reason\":" + quote(stream.lengthLimited() ? "max_tokens" : "end_turn")
                + ",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + message.inputTokens()
                + ",\"output_tokens\":" + stream.tokens().size() + "}}";
    }

    @Override
    public String errorBody(int status) {
        return switch (status) {
            case 400 -> error("invalid_request_error", "Invalid request.");
            case 401 -> error("authentication_error", "invalid x-api-key");
            case 403 -> error("permission_error", "Your API key does not have permission to use this resource.");
            case 404 -> error("not_found_error", "The requested resource could not be found.");
            case 413 -> error("request_too_large", "Request exceeds the maximum allowed number of bytes.");
            case 429 -> error("rate_limit_error", "Number of requests has exceeded your rate limit.");
            case 529 -> error("overloaded_error", "Overloaded");
            default ->
                status >= 500
                        ? error("api_error", "Internal server error")
                        : error("invalid_request_error", "Request failed with status " + status + ".");
        };
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + quote(type) + ",\"message\":" + quote(message) + "}}";
    }
}
