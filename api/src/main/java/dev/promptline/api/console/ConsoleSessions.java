package dev.promptline.api.console;

import dev.promptline.api.platform.security.CallerAuthenticator;
import dev.promptline.api.platform.tenancy.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Console sign-ins. The API key is checked once, by the API's own authenticator, and never kept: the session keeps
 * the key's id, and every request asks the authenticator again whether that key, its user and its organization still
 * stand, so revoking the key or removing the user ends the session at once. The browser's token is 32 random bytes;
 * only its SHA-256 is stored (a fast hash suffices for a long random secret, as for API keys).
 */
@Service
class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final ConsoleSessionRepository sessions;
    private final CallerAuthenticator authenticator;
    private final ConsoleProperties properties;

    ConsoleSessions(
            ConsoleSessionRepository sessions, CallerAuthenticator authenticator, ConsoleProperties properties) {
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.properties = properties;
    }

    /** A new session's token (for the cookie, never stored) and who it is for. */
    record Opened(String token, Caller caller) {
        @Override
        public String toString() {
            return "Opened[token=(hidden), caller=" + caller + "]";
        }
    }

    /** Opens a session for a valid API key; nothing for an unknown, expired or revoked one. */
    Optional<Opened> signIn(String apiKey) {
        return authenticator.authenticate(apiKey.strip()).map(caller -> {
            // Sign-ins are rare next to page views: a good moment to drop the sessions that expired unseen.
            sessions.deleteExpired(properties.idleTimeout(), properties.maxAge());
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            sessions.insert(hash(token), caller);
            return new Opened(token, caller);
        });
    }

    /**
     * Who a session token signs in, as of now; nothing (and the session deleted) once it expired or its key, user or
     * organization no longer stands.
     */
    Optional<Caller> resume(String token) {
        if (!TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        byte[] hash = hash(token);
        var stored = sessions.touch(hash, properties.idleTimeout(), properties.maxAge());
        Optional<Caller> caller = stored.flatMap(session -> authenticator
                .reauthenticate(session.apiKeyId())
                .filter(current -> current.organizationId().equals(session.organizationId())
                        && current.userId().equals(session.userId())));
        if (caller.isEmpty()) {
            sessions.delete(hash);
        }
        return caller;
    }

    void signOut(String token) {
        if (TOKEN.matcher(token).matches()) {
            sessions.delete(hash(token));
        }
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
