package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers kept for the executions that ask for it ({@code cacheTtl}), in Redis with that TTL, keyed on everything that
 * changes an answer: the organization, the model as called (provider, provider model id, base URL), the rendered
 * messages, the parameters in effect, and the fallbacks with theirs. Only successes are kept. Without Redis, or while
 * it fails, nothing is kept or served and every execution runs: a cache outage costs money, not answers.
 */
@Component
class ResponseCache {
    private static final Logger log = LoggerFactory.getLogger(ResponseCache.class);
    private static final Duration MAX_TTL = PromptService.MAX_CACHE_TTL;

    /** An answer as kept: what the client is served, and the execution that produced it. */
    record Kept(UUID executionId, String output, String finishReason, int tokensInput, int tokensOutput) {}

    /** What the key is a digest of; bump the version in the key when this changes shape. */
    private record Identity(String organization, Called model, List<ChatMessage> messages, List<Called> fallbacks) {}

    private record Called(
            String provider,
            String providerModelId,
            @Nullable String baseUrl,
            ModelParameters parameters) {
        static Called of(Model model, ModelParameters parameters) {
            return new Called(
                    model.provider().value(),
                    model.providerModelId(),
                    model.baseUrl() == null ? null : model.baseUrl().toString(),
                    parameters);
        }
    }

    private final @Nullable StringRedisTemplate redis;
    private final String prefix;
    private final JsonMapper json;

    ResponseCache(
            ObjectProvider<StringRedisTemplate> redis,
            ObjectProvider<RedisProperties> redisProperties,
            JsonMapper json) {
        this.redis = redis.getIfAvailable();
        RedisProperties settings = redisProperties.getIfAvailable();
        this.prefix = (settings == null ? "promptline:" : settings.keyPrefix()) + "responses:v1:";
        this.json = json;
    }

    /** Refuses a TTL below a second (but zero, which turns the cache off) or above 30 days. */
    static void check(@Nullable Duration ttl) {
        if (ttl != null && !ttl.isZero() && (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0)) {
            throw PromptlineException.invalidField(
                    "#/cacheTtl",
                    "must be 0s (no cache) or between 1s and %ds (30 days)".formatted(MAX_TTL.toSeconds()));
        }
    }

    /** The request's TTL (zero: none), else its prompt version's; null when neither asks for the cache. */
    static @Nullable Duration ttl(ExecutionRequest request, ExecutionPlan plan) {
        Duration asked = request.cacheTtl();
        if (asked != null) {
            return asked.isZero() ? null : asked;
        }
        return plan.version() == null ? null : plan.version().cacheTtl();
    }

    /** The answer kept for this plan, if any. */
    Optional<Kept> find(ExecutionPlan plan) {
        if (redis == null) {
            return Optional.empty();
        }
        try {
            String kept = redis.opsForValue().get(key(plan));
            return kept == null ? Optional.empty() : Optional.of(json.readValue(kept, Kept.class));
        } catch (RuntimeException e) {
            log.warn("Response cache not read, Redis failed: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Keeps a succeeded execution's answer for {@code ttl}; anything else is not kept. */
    void keep(ExecutionPlan plan, Execution finished, Duration ttl) {
        if (redis == null
                || finished.status() != ExecutionStatus.SUCCEEDED
                || finished.finishReason() == null
                || finished.output() == null) {
            return;
        }
        var kept = new Kept(
                finished.id(),
                finished.output(),
                finished.finishReason().value(),
                finished.tokensInput() == null ? 0 : finished.tokensInput(),
                finished.tokensOutput() == null ? 0 : finished.tokensOutput());
        try {
            redis.opsForValue().set(key(plan), json.writeValueAsString(kept), ttl);
        } catch (RuntimeException e) {
            log.warn("Response of execution {} not kept, Redis failed: {}", finished.id(), e.getMessage());
        }
    }

    private String key(ExecutionPlan plan) {
        var identity = new Identity(
                plan.organizationId().value().toString(),
                Called.of(plan.model(), plan.input().parameters()),
                plan.messages(),
                plan.fallbacks().stream()
                        .map(fallback -> Called.of(fallback.model(), fallback.parameters()))
                        .toList());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsString(identity).getBytes(StandardCharsets.UTF_8));
            return prefix + plan.organizationId().value() + ":" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
