package dev.promptline.api.organizations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyRepository {
    private static final String COLUMNS =
            "k.id, k.organization_id, k.user_id, k.name, k.prefix, k.created_at, k.expires_at, k.last_used_at, k.revoked_at";
    private static final String FIND = "SELECT " + COLUMNS + """
             FROM api_keys k
            WHERE k.organization_id = :organizationId
              AND k.id = :id
            """;
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM api_keys k
            WHERE k.organization_id = :organizationId
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (k.created_at, k.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY k.created_at, k.id
            LIMIT :limit
            """;
    /** The one query that runs without a tenant filter: the tenant is what it finds out. */
    private static final String FIND_FOR_AUTHENTICATION =
            "SELECT " + COLUMNS + ", k.secret_hash, u.role, o.disabled_at IS NOT NULL AS organization_disabled" + """
             FROM api_keys k
             JOIN users u ON u.organization_id = k.organization_id AND u.id = k.user_id
             JOIN organizations o ON o.id = k.organization_id
            WHERE k.prefix = :prefix
            """;

    private static final String FIND_FOR_REAUTHENTICATION =
            "SELECT " + COLUMNS + ", k.secret_hash, u.role, o.disabled_at IS NOT NULL AS organization_disabled" + """
             FROM api_keys k
             JOIN users u ON u.organization_id = k.organization_id AND u.id = k.user_id
             JOIN organizations o ON o.id = k.organization_id
            WHERE k.id = :id
            """;

    private static final String INSERT = """
            INSERT INTO api_keys (organization_id, user_id, name, prefix, secret_hash, expires_at)
            VALUES (:organizationId, :userId, :name, :prefix, :secretHash, :expiresAt)
            RETURNING id, organization_id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at
            """;
    private static final String REVOKE = """
            UPDATE api_keys
               SET revoked_at = coalesce(revoked_at, now())
             WHERE organization_id = :organizationId
               AND id = :id
            RETURNING id, organization_id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at
            """;
    private static final String EXISTS_FOR_USER =
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE organization_id = :organizationId AND user_id = :userId)";
    private static final String TOUCH = """
            UPDATE api_keys SET last_used_at = now()
             WHERE id = :id
               AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """;

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    ApiKey insert(
            OrganizationId organizationId,
            UserId userId,
            String name,
            ApiKeySecret secret,
            @Nullable Instant expiresAt) {
        return jdbc.sql(INSERT)
                .param("organizationId", organizationId.value())
                .param("userId", userId.value())
                .param("name", name)
                .param("prefix", secret.prefix())
                .param("secretHash", secret.hash())
                .param("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt))
                .query(ApiKeyRepository::map)
                .single();
    }

    Optional<ApiKey> find(OrganizationId organizationId, UUID id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id)
                .query(ApiKeyRepository::map)
                .optional();
    }

    List<ApiKey> list(OrganizationId organizationId, @Nullable Cursor after, int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(ApiKeyRepository::map)
                .list();
    }

    Optional<ApiKey> revoke(OrganizationId organizationId, UUID id) {
        return jdbc.sql(REVOKE)
                .param("organizationId", organizationId.value())
                .param("id", id)
                .query(ApiKeyRepository::map)
                .optional();
    }

    @Cacheable(cacheNames = ApiKeyCaches.API_KEYS, key = "#prefix", sync = true)
    public Optional<StoredKey> findForAuthentication(String prefix) {
        return jdbc.sql(FIND_FOR_AUTHENTICATION)
                .param("prefix", prefix)
                .query(ApiKeyRepository::mapStored)
                .optional();
    }

    /** By id and never cached: what a console session re-checks on every request. */
    Optional<StoredKey> findForReauthentication(UUID id) {
        return jdbc.sql(FIND_FOR_REAUTHENTICATION)
                .param("id", id)
                .query(ApiKeyRepository::mapStored)
                .optional();
    }

    private static StoredKey mapStored(ResultSet row, int rowNumber) throws SQLException {
        return new StoredKey(
                map(row, rowNumber),
                row.getBytes("secret_hash"),
                Role.fromValue(row.getString("role")),
                row.getBoolean("organization_disabled"));
    }

    boolean existsFor(OrganizationId organizationId, UserId userId) {
        return Boolean.TRUE.equals(jdbc.sql(EXISTS_FOR_USER)
                .param("organizationId", organizationId.value())
                .param("userId", userId.value())
                .query(Boolean.class)
                .single());
    }

    List<String> prefixesOf(OrganizationId organizationId, UserId userId) {
        return jdbc.sql("SELECT prefix FROM api_keys WHERE organization_id = :organizationId AND user_id = :userId")
                .param("organizationId", organizationId.value())
                .param("userId", userId.value())
                .query(String.class)
                .list();
    }

    List<String> prefixesOf(OrganizationId organizationId) {
        return jdbc.sql("SELECT prefix FROM api_keys WHERE organization_id = :organizationId")
                .param("organizationId", organizationId.value())
                .query(String.class)
                .list();
    }

    void touch(UUID id) {
        jdbc.sql(TOUCH).param("id", id).update();
    }

    /** A key with what authentication needs: its secret's hash, its user's current role, its organization's state. */
    record StoredKey(ApiKey key, byte[] secretHash, Role role, boolean organizationDisabled) {}

    static ApiKey map(ResultSet row, int rowNumber) throws SQLException {
        return new ApiKey(
                row.getObject("id", UUID.class),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                new UserId(row.getObject("user_id", UUID.class)),
                row.getString("name"),
                row.getString("prefix"),
                row.getTimestamp("created_at").toInstant(),
                instant(row.getTimestamp("expires_at")),
                instant(row.getTimestamp("last_used_at")),
                instant(row.getTimestamp("revoked_at")));
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
