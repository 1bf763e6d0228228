package dev.promptline.api.console;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Playground runs between their form and their stream. A browser's EventSource can only GET, and a GET must change
 * nothing (no CSRF token guards it): so the run form POSTs what to run, which is held here under an unguessable id,
 * and the stream's GET takes it, once, for the same user and API key, within a minute. Held in this replica's memory,
 * so with several replicas the stream's GET must reach the replica that took the POST (session affinity); one that
 * lands elsewhere finds nothing, and the page says the run expired: nothing ran, nothing was paid for.
 */
@Component
class PlaygroundRuns {
    static final Duration LIFETIME = Duration.ofMinutes(1);
    private static final int MAX_HELD = 10_000;

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    PlaygroundRuns() {
        this(Clock.systemUTC());
    }

    PlaygroundRuns(Clock clock) {
        this.clock = clock;
    }

    private record Held(Caller caller, ExecutionRequest request, Instant expiresAt) {
        Held {
            requireNonNull(caller, "caller is null");
            requireNonNull(request, "request is null");
            requireNonNull(expiresAt, "expiresAt is null");
        }
    }

    /** Holds a run for its stream and returns the id the stream asks for it by. */
    String hold(Caller caller, ExecutionRequest request) {
        Instant now = clock.instant();
        held.values().removeIf(run -> run.expiresAt().isBefore(now));
        if (held.size() >= MAX_HELD) {
            throw new PromptlineException(
                    ErrorCode.RATE_LIMITED, "Too many playground runs are waiting to start; try again in a minute.");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        held.put(id, new Held(caller, request, now.plus(LIFETIME)));
        return id;
    }

    /** The run held under this id, once, if the same user with the same key asks before it expires. */
    Optional<ExecutionRequest> take(Caller caller, String id) {
        Held run = held.remove(id);
        if (run == null || run.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        boolean sameCaller = run.caller().userId().equals(caller.userId())
                && run.caller().apiKeyId().equals(caller.apiKeyId())
                && run.caller().organizationId().equals(caller.organizationId());
        return sameCaller ? Optional.of(run.request()) : Optional.empty();
    }
}
