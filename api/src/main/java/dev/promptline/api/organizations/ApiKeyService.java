package dev.promptline.api.organizations;

import dev.promptline.api.platform.cache.CacheInvalidation;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.security.CallerAuthenticator;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues, lists, revokes and authenticates API keys. */
@Service
public class ApiKeyService implements CallerAuthenticator {
    // last_used_at is for people auditing keys; a minute's precision spares a write on every request.
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final UserRepository users;
    private final Clock clock;
    private final Map<UUID, Instant> lastTouched = new ConcurrentHashMap<>();

    private final CacheInvalidation caches;

    ApiKeyService(ApiKeyRepository keys, UserRepository users, CacheInvalidation caches) {
        this.keys = keys;
        this.users = users;
        this.caches = caches;
        this.clock = Clock.systemUTC();
    }

    @Override
    public Optional<Caller> authenticate(String bearerToken) {
        Instant now = clock.instant();
        return ApiKeySecret.parse(bearerToken)
                .flatMap(secret -> keys.findForAuthentication(secret.prefix())
                        .filter(stored -> secret.matches(stored.secretHash())))
                .flatMap(stored -> usableCaller(stored, now));
    }

    @Override
    public Optional<Caller> reauthenticate(UUID apiKeyId) {
        return keys.findForReauthentication(apiKeyId).flatMap(stored -> usableCaller(stored, clock.instant()));
    }

    private Optional<Caller> usableCaller(ApiKeyRepository.StoredKey stored, Instant now) {
        if (!stored.key().isUsableAt(now) || stored.organizationDisabled()) {
            return Optional.empty();
        }
        touch(stored.key().id(), now);
        return Optional.of(new Caller(
                stored.key().organizationId(),
                stored.key().userId(),
                stored.role(),
                stored.key().id()));
    }

    /** Issues a key for a user of the caller's organization; nobody can issue a key more powerful than their own. */
    public IssuedApiKey issue(Caller caller, UserId userId, String name, @Nullable Instant expiresAt) {
        User user = users.find(caller.organizationId(), userId).orElseThrow(() -> UserService.notFound(userId));
        UserService.requireNotOutranked(caller, user.role(), "issue a key for");
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new PromptlineException(ErrorCode.INVALID_REQUEST, "expiresAt must be in the future.");
        }
        return issue(caller.organizationId(), userId, name, expiresAt);
    }

    /** Issues a key for a user who has none yet: for set-up commands that must not pile up keys when run again. */
    public Optional<IssuedApiKey> issueIfNone(OrganizationId organizationId, UserId userId, String name) {
        return keys.existsFor(organizationId, userId)
                ? Optional.empty()
                : Optional.of(issue(organizationId, userId, name, null));
    }

    IssuedApiKey issue(OrganizationId organizationId, UserId userId, String name, @Nullable Instant expiresAt) {
        ApiKeySecret secret = ApiKeySecret.generate();
        return new IssuedApiKey(keys.insert(organizationId, userId, name, secret, expiresAt), secret.token());
    }

    public Page<ApiKey> list(Caller caller, @Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                keys.list(caller.organizationId(), Cursor.decode(pageToken), size + 1),
                size,
                key -> new Cursor(key.createdAt(), key.id()));
    }

    public ApiKey get(Caller caller, UUID id) {
        return keys.find(caller.organizationId(), id).orElseThrow(() -> notFound(id));
    }

    /**
     * Revoking is immediate and final; revoking twice keeps the first time. Nobody can revoke the key of a user who
     * outranks them: an admin who could revoke the owners' keys could lock every owner out for good.
     */
    @Transactional
    public ApiKey revoke(Caller caller, UUID id) {
        ApiKey key = get(caller, id);
        // The holder's role is read with a share lock, so it cannot become owner between this check and the revoke.
        User holder = users.findForShare(caller.organizationId(), key.userId()).orElseThrow(() -> notFound(id));
        UserService.requireNotOutranked(caller, holder.role(), "revoke a key of");
        ApiKey revoked = keys.revoke(caller.organizationId(), id).orElseThrow(() -> notFound(id));
        caches.evictAfterCommit(ApiKeyCaches.API_KEYS, revoked.prefix());
        return revoked;
    }

    /** Drops a user's keys from the cache, so a new role or a removal applies to the next request. */
    void forgetKeysOf(OrganizationId organizationId, UserId userId) {
        caches.evictAfterCommit(
                ApiKeyCaches.API_KEYS, keys.prefixesOf(organizationId, userId).toArray());
    }

    /** Drops every key of an organization from the cache, so its new state applies to the next request. */
    void forgetKeysOf(OrganizationId organizationId) {
        caches.evictAfterCommit(
                ApiKeyCaches.API_KEYS, keys.prefixesOf(organizationId).toArray());
    }

    private void touch(UUID keyId, Instant now) {
        Instant previous = lastTouched.get(keyId);
        if (previous == null || previous.plus(TOUCH_INTERVAL).isBefore(now)) {
            lastTouched.put(keyId, now);
            keys.touch(keyId);
        }
    }

    static PromptlineException notFound(UUID id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No API key %s in this organization.".formatted(id));
    }
}
