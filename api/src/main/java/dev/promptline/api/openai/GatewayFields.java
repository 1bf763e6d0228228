package dev.promptline.api.openai;

import static dev.promptline.api.openai.ChatCompletionRequest.invalid;
import static dev.promptline.api.openai.ChatCompletionRequest.number;
import static dev.promptline.api.openai.ChatCompletionRequest.text;
import static dev.promptline.api.openai.ChatCompletionRequest.unsupported;

import dev.promptline.api.prompts.PromptService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's fields of a request body, read by one parser for {@code /v1/chat/completions} and
 * {@code /v1/responses} alike: the extra fields {@code fallback_models}, {@code first_token_timeout},
 * {@code idle_timeout}, {@code cache: {"ttl": seconds}} and {@code split_key}, and OpenAI's own {@code user}.
 *
 * @param cacheTtl keep the answer, and serve one kept for the same request, for this long; null for neither (0: no
 *     cache for this request, over the prompt version's)
 * @param splitKey the key that keeps a caller on one arm of a label's traffic split: {@code split_key} if given, else
 *     {@code user} (OpenAI's stable end-user id, used for nothing else); null for a weighted random arm
 */
record GatewayFields(
        Routing routing,
        @Nullable Duration cacheTtl,
        @Nullable String splitKey) {
    /** The body fields read here. */
    static final Set<String> NAMES =
            Set.of("fallback_models", "first_token_timeout", "idle_timeout", "cache", "split_key", "user");

    /** Longest first-token or idle timeout a request may ask for, in seconds (the longest execution deadline). */
    private static final double MAX_ATTEMPT_TIMEOUT_SECONDS = 600;

    /** The longest split key: a user or session id, not a document. */
    private static final int MAX_SPLIT_KEY = 255;

    /**
     * Fallback models and attempt timeouts.
     *
     * @param fallbackModels registered models' names to fall back to, in order; null for the prompt version's
     * @param firstTokenTimeout longest wait for each attempt's first token; null for each model's own
     * @param idleTimeout longest wait between two tokens; null for each model's own
     */
    record Routing(
            @Nullable List<String> fallbackModels,
            @Nullable Duration firstTokenTimeout,
            @Nullable Duration idleTimeout) {
        static final Routing NONE = new Routing(null, null, null);
    }

    /** An endpoint's own fields with the gateway's added. */
    static Set<String> with(Set<String> known) {
        var all = new HashSet<>(known);
        all.addAll(NAMES);
        return Set.copyOf(all);
    }

    static GatewayFields parse(JsonNode body) {
        return new GatewayFields(
                new Routing(fallbackModels(body), seconds(body, "first_token_timeout"), seconds(body, "idle_timeout")),
                cacheTtl(body.get("cache")),
                splitKey(body));
    }

    private static @Nullable List<String> fallbackModels(JsonNode body) {
        JsonNode value = body.get("fallback_models");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.size() > PromptService.MAX_FALLBACK_MODELS) {
            throw invalid(
                    "fallback_models",
                    "'fallback_models' must be an array of at most %d registered model names."
                            .formatted(PromptService.MAX_FALLBACK_MODELS));
        }
        var names = new ArrayList<String>();
        for (JsonNode name : value) {
            if (!name.isString() || name.asString().isBlank()) {
                throw invalid("fallback_models", "'fallback_models' must hold registered model names.");
            }
            names.add(name.asString());
        }
        return names;
    }

    private static @Nullable Duration seconds(JsonNode body, String field) {
        Double seconds = number(body, field, 0.001, MAX_ATTEMPT_TIMEOUT_SECONDS);
        return seconds == null ? null : Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** {@code cache: {"ttl": seconds}}, LiteLLM's shape; whole seconds, as a TTL is kept in Redis. */
    private static @Nullable Duration cacheTtl(@Nullable JsonNode cache) {
        if (cache == null || cache.isNull()) {
            return null;
        }
        if (!cache.isObject()) {
            throw invalid("cache", "'cache' must be an object such as {\"ttl\": 3600}.");
        }
        for (String field : cache.propertyNames()) {
            if (!field.equals("ttl")) {
                throw unsupported("cache." + field, "'cache." + field + "' is not supported; 'cache' takes 'ttl'.");
            }
        }
        JsonNode ttl = cache.get("ttl");
        if (ttl == null || !ttl.isIntegralNumber() || ttl.asLong() < 0) {
            throw invalid("cache.ttl", "'cache.ttl' must be a whole number of seconds (0: no cache for this request).");
        }
        return Duration.ofSeconds(ttl.asLong());
    }

    private static @Nullable String splitKey(JsonNode body) {
        String splitKey = key(body, "split_key");
        return splitKey != null ? splitKey : key(body, "user");
    }

    private static @Nullable String key(JsonNode body, String field) {
        String key = text(body, field);
        if (key != null && (key.isEmpty() || key.length() > MAX_SPLIT_KEY)) {
            throw invalid(field, "'%s' must be 1 to %d characters.".formatted(field, MAX_SPLIT_KEY));
        }
        return key;
    }
}
