package dev.promptline.api.console;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.tenancy.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Playground runs between their form and their stream. A browser's EventSource can only GET, and a GET must change
 * nothing (no CSRF token guards it): so the run form POSTs what to run, which is held here under an unguessable id,
 * and the stream's GET takes it, once, for the same user and API key, within a minute.
 *
 * <p>With Redis the run is held there ({@code <prefix>playground:<id>}, expiring with the minute, taken with GETDEL so
 * two GETs cannot both run it), and any replica can serve the stream: no session affinity is needed. Without Redis, or
 * while Redis fails, it is held in this replica's memory, and a stream that reaches another replica finds nothing and
 * says the run expired: nothing ran, nothing was paid for.
 */
@Component
class PlaygroundRuns {
    static final Duration LIFETIME = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(PlaygroundRuns.class);
    private static final int MAX_HELD_HERE = 10_000;

    /** What a run form asked for: enough to build its execution when its stream starts. */
    record Run(
            UUID promptId,
            int version,
            Map<String, String> variables,
            @Nullable UUID modelId,
            ModelParameters parameters) {
        Run {
            requireNonNull(promptId, "promptId is null");
            variables = Map.copyOf(variables);
            requireNonNull(parameters, "parameters is null");
        }
    }

    /** A run with who may take it. */
    private record Held(UUID organizationId, UUID userId, UUID apiKeyId, Run run) {
        static Held of(Caller caller, Run run) {
            return new Held(caller.organizationId().value(), caller.userId().value(), caller.apiKeyId(), run);
        }

        boolean heldBy(Caller caller) {
            return organizationId.equals(caller.organizationId().value())
                    && userId.equals(caller.userId().value())
                    && apiKeyId.equals(caller.apiKeyId());
        }
    }

    private record HeldHere(Held held, Instant expiresAt) {}

    private final @Nullable StringRedisTemplate redis;
    private final String keyPrefix;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, HeldHere> here = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @Autowired
    PlaygroundRuns(ObjectProvider<StringRedisTemplate> redis, RedisProperties redisProperties, JsonMapper json) {
        this(redis.getIfAvailable(), redisProperties.keyPrefix(), json, Clock.systemUTC());
    }

    PlaygroundRuns(@Nullable StringRedisTemplate redis, String keyPrefix, JsonMapper json, Clock clock) {
        this.redis = redis;
        this.keyPrefix = keyPrefix + "playground:";
        this.json = json;
        this.clock = clock;
    }

    /** Holds a run for its stream and returns the id the stream asks for it by. */
    String hold(Caller caller, Run run) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Held held = Held.of(caller, run);
        if (redis != null) {
            try {
                redis.opsForValue().set(keyPrefix + id, json.writeValueAsString(held), LIFETIME);
                return id;
            } catch (RuntimeException e) {
                log.warn("Redis could not hold a playground run, held in this replica instead: {}", e.toString());
            }
        }
        holdHere(id, held);
        return id;
    }

    /** The run held under this id, once, if the same user with the same key asks before it expires. */
    Optional<Run> take(Caller caller, String id) {
        Held held = null;
        if (redis != null) {
            try {
                String value = redis.opsForValue().getAndDelete(keyPrefix + id);
                held = value == null ? null : json.readValue(value, Held.class);
            } catch (RuntimeException e) {
                log.warn("Redis could not give back a playground run: {}", e.toString());
            }
        }
        if (held == null) {
            HeldHere local = here.remove(id);
            held = local == null || local.expiresAt().isBefore(clock.instant()) ? null : local.held();
        }
        return held != null && held.heldBy(caller) ? Optional.of(held.run()) : Optional.empty();
    }

    private void holdHere(String id, Held held) {
        Instant now = clock.instant();
        here.values().removeIf(run -> run.expiresAt().isBefore(now));
        if (here.size() >= MAX_HELD_HERE) {
            throw new PromptlineException(
                    ErrorCode.RATE_LIMITED, "Too many playground runs are waiting to start; try again in a minute.");
        }
        here.put(id, new HeldHere(held, now.plus(LIFETIME)));
    }
}
