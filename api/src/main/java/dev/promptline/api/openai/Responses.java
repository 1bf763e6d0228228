package dev.promptline.api.openai;

import dev.promptline.api.executions.Execution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An execution as the Responses API's {@code response} object, at each stage of its life. */
final class Responses {
    private Responses() {}

    static String responseId(Execution execution) {
        return "resp_" + execution.id();
    }

    static String messageId(Execution execution) {
        return "msg_" + execution.id();
    }

    /** A finished, successful execution. */
    static Map<String, Object> response(Execution execution, ResponsesRequest request) {
        var response = envelope(execution, request, "completed");
        response.put("output", List.of(message(execution, "completed", text(execution))));
        response.put("usage", usage(execution));
        return response;
    }

    /** A response just started: no output yet. */
    static Map<String, Object> inProgress(Execution execution, ResponsesRequest request) {
        var response = envelope(execution, request, "in_progress");
        response.put("output", List.of());
        response.put("usage", null);
        return response;
    }

    /** A response whose execution did not succeed, with what it wrote before it stopped. */
    static Map<String, Object> failed(
            @Nullable Execution execution, Execution started, ResponsesRequest request, OpenAiError error) {
        Execution shown = execution == null ? started : execution;
        var response = envelope(shown, request, "failed");
        String output = execution == null || execution.output() == null ? "" : execution.output();
        response.put("output", output.isEmpty() ? List.of() : List.of(message(shown, "incomplete", output)));
        response.put("usage", execution == null ? null : usage(execution));
        var failure = new LinkedHashMap<String, Object>();
        // The SDKs know a closed set of codes; a rate limit is the only one of ours with its own.
        failure.put("code", error.status() == 429 ? "rate_limit_exceeded" : "server_error");
        failure.put("message", error.message());
        response.put("error", failure);
        return response;
    }

    static Map<String, Object> message(Execution execution, String status, String text) {
        var part = outputText(text);
        var message = new LinkedHashMap<String, Object>();
        message.put("id", messageId(execution));
        message.put("type", "message");
        message.put("status", status);
        message.put("role", "assistant");
        message.put("content", List.of(part));
        return message;
    }

    static Map<String, Object> outputText(String text) {
        var part = new LinkedHashMap<String, Object>();
        part.put("type", "output_text");
        part.put("text", text);
        part.put("annotations", List.of());
        part.put("logprobs", List.of());
        return part;
    }

    private static String text(Execution execution) {
        return execution.output() == null ? "" : execution.output();
    }

    private static LinkedHashMap<String, @Nullable Object> envelope(
            Execution execution, ResponsesRequest request, String status) {
        var response = new LinkedHashMap<String, @Nullable Object>();
        response.put("id", responseId(execution));
        response.put("object", "response");
        response.put("created_at", execution.createdAt().getEpochSecond());
        response.put("status", status);
        response.put("background", false);
        response.put("error", null);
        response.put("incomplete_details", null);
        response.put("instructions", request.instructions());
        response.put("max_output_tokens", execution.input().parameters().maxTokens());
        response.put("metadata", Map.of());
        response.put("model", request.model());
        response.put("parallel_tool_calls", false);
        response.put("previous_response_id", null);
        response.put("prompt", request.prompt());
        response.put("store", false);
        response.put("temperature", execution.input().parameters().temperature());
        response.put("text", Map.of("format", Map.of("type", "text")));
        response.put("tool_choice", "none");
        response.put("tools", List.of());
        response.put("top_p", execution.input().parameters().topP());
        response.put("truncation", "disabled");
        return response;
    }

    private static Map<String, Object> usage(Execution execution) {
        int input = execution.tokensInput() == null ? 0 : execution.tokensInput();
        int output = execution.tokensOutput() == null ? 0 : execution.tokensOutput();
        var usage = new LinkedHashMap<String, Object>();
        usage.put("input_tokens", input);
        usage.put("input_tokens_details", Map.of("cached_tokens", 0, "cache_write_tokens", 0));
        usage.put("output_tokens", output);
        usage.put("output_tokens_details", Map.of("reasoning_tokens", 0));
        usage.put("total_tokens", input + output);
        return usage;
    }
}
