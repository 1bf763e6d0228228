package dev.promptline.api.console;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ConsoleSessionRepository {
    private static final String INSERT = """
            INSERT INTO console_sessions (token_hash, organization_id, user_id, api_key_id)
            VALUES (:tokenHash, :organizationId, :userId, :apiKeyId)
            """;
    /** Finds a live session and marks it seen, in one statement; an expired one is not returned. */
    private static final String TOUCH = """
            UPDATE console_sessions
               SET last_seen_at = now()
             WHERE token_hash = :tokenHash
               AND last_seen_at > now() - make_interval(secs => :idleSeconds)
               AND created_at > now() - make_interval(secs => :maxAgeSeconds)
            RETURNING organization_id, user_id, api_key_id
            """;

    private static final String DELETE_EXPIRED = """
            DELETE FROM console_sessions
             WHERE last_seen_at <= now() - make_interval(secs => :idleSeconds)
                OR created_at <= now() - make_interval(secs => :maxAgeSeconds)
            """;

    private final JdbcClient jdbc;

    ConsoleSessionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(byte[] tokenHash, Caller caller) {
        jdbc.sql(INSERT)
                .param("tokenHash", tokenHash)
                .param("organizationId", caller.organizationId().value())
                .param("userId", caller.userId().value())
                .param("apiKeyId", caller.apiKeyId())
                .update();
    }

    Optional<StoredSession> touch(byte[] tokenHash, Duration idleTimeout, Duration maxAge) {
        return jdbc.sql(TOUCH)
                .param("tokenHash", tokenHash)
                .param("idleSeconds", seconds(idleTimeout))
                .param("maxAgeSeconds", seconds(maxAge))
                .query((row, n) -> new StoredSession(
                        new OrganizationId(row.getObject("organization_id", UUID.class)),
                        new UserId(row.getObject("user_id", UUID.class)),
                        row.getObject("api_key_id", UUID.class)))
                .optional();
    }

    void delete(byte[] tokenHash) {
        jdbc.sql("DELETE FROM console_sessions WHERE token_hash = :tokenHash")
                .param("tokenHash", tokenHash)
                .update();
    }

    int deleteExpired(Duration idleTimeout, Duration maxAge) {
        return jdbc.sql(DELETE_EXPIRED)
                .param("idleSeconds", seconds(idleTimeout))
                .param("maxAgeSeconds", seconds(maxAge))
                .update();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    record StoredSession(OrganizationId organizationId, UserId userId, UUID apiKeyId) {}
}
