package dev.promptline.api.platform.security;

import dev.promptline.api.platform.tenancy.Caller;
import java.util.Optional;

/** Turns a bearer token into a caller, or nothing when the token is unknown, expired or revoked. */
public interface CallerAuthenticator {
    Optional<Caller> authenticate(String bearerToken);
}
