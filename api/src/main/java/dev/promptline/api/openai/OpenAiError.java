package dev.promptline.api.openai;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An error as OpenAI's API and SDKs shape it: {@code {"error": {"message", "type", "param", "code"}}} with the real
 * HTTP status. {@code param} names the request field at fault, so a client knows what to change.
 */
record OpenAiError(
        int status,
        String message,
        String type,
        @Nullable String param,
        @Nullable String code) {
    OpenAiError {
        requireNonNull(message, "message is null");
        requireNonNull(type, "type is null");
    }

    /** A request field this API cannot honour or that is wrong: a 400 naming it. */
    static OpenAiError invalidParam(String param, String message) {
        return new OpenAiError(400, message, OpenAiErrors.INVALID_REQUEST, param, "invalid_parameter");
    }

    /** A request field this API does not support: a 400 naming it, never silently dropped. */
    static OpenAiError unsupportedParam(String param, String message) {
        return new OpenAiError(400, message, OpenAiErrors.INVALID_REQUEST, param, "unsupported_parameter");
    }

    /**
     * Whether a retry of the same request can get another answer. The SDKs retry 408, 409, 429 and 5xx unless told
     * otherwise by {@code x-should-retry}; any other 4xx (a bad field, a missing prompt) fails the same way again, and
     * so does a spent quota until it resets.
     */
    boolean retryable() {
        if (OpenAiErrors.INSUFFICIENT_QUOTA.equals(type)) {
            return false;
        }
        return status < 400 || status >= 500 || status == 408 || status == 409 || status == 429;
    }

    Map<String, Object> body() {
        var error = new LinkedHashMap<String, @Nullable Object>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }
}
