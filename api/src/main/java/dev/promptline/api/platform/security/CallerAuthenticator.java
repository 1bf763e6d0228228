package dev.promptline.api.platform.security;

import dev.promptline.api.platform.tenancy.Caller;
import java.util.Optional;
import java.util.UUID;

/** Turns a bearer token into a caller, or nothing when the token is unknown, expired or revoked. */
public interface CallerAuthenticator {
    Optional<Caller> authenticate(String bearerToken);

    /**
     * The caller of a key whose secret was already proven (a console session opened with it), as of now: nothing once
     * the key is revoked or expired, its user removed or its organization disabled. Never served from a cache, so a
     * revocation ends such a session on its next request.
     */
    Optional<Caller> reauthenticate(UUID apiKeyId);
}
