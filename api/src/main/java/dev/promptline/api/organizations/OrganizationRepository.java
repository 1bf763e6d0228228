package dev.promptline.api.organizations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class OrganizationRepository {
    private static final String COLUMNS = "id, name, slug, created_at, disabled_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM organizations WHERE id = :id";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM organizations
            WHERE CAST(:afterCreatedAt AS timestamptz) IS NULL
               OR (created_at, id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))
            ORDER BY created_at, id
            LIMIT :limit
            """;
    private static final String INSERT = "INSERT INTO organizations (name, slug) VALUES (:name, :slug) RETURNING id";
    // Disabling twice keeps the first time, as revoking a key does.
    private static final String SET_DISABLED = """
            UPDATE organizations
               SET disabled_at = CASE WHEN :disabled THEN coalesce(disabled_at, now()) END, updated_at = now()
             WHERE id = :id
            RETURNING""" + " " + COLUMNS;
    private static final String ANY = "SELECT EXISTS (SELECT 1 FROM organizations)";
    private static final String SCHEMA_READY = "SELECT to_regclass('api_keys') IS NOT NULL";
    // Serialises first-start bootstrap across replicas starting at once; released at commit.
    private static final String LOCK_BOOTSTRAP = "SELECT pg_advisory_xact_lock(7061627473747270)";
    // The lock the users_keep_an_owner trigger takes too; NO KEY UPDATE leaves inserts elsewhere unblocked.
    private static final String LOCK = "SELECT 1 FROM organizations WHERE id = :id FOR NO KEY UPDATE";

    private final JdbcClient jdbc;

    OrganizationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Organization> find(OrganizationId id) {
        return jdbc.sql(FIND)
                .param("id", id.value())
                .query(OrganizationRepository::map)
                .optional();
    }

    /** Every organization: for the operator, the one reader who sees across tenants. */
    List<Organization> list(@Nullable Cursor after, int limit) {
        return jdbc.sql(LIST)
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(OrganizationRepository::map)
                .list();
    }

    OrganizationId insert(String name, String slug) {
        try {
            return new OrganizationId(jdbc.sql(INSERT)
                    .param("name", name)
                    .param("slug", slug)
                    .query(UUID.class)
                    .single());
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.ORGANIZATION_SLUG_TAKEN,
                    "An organization with slug '%s' already exists.".formatted(slug),
                    e);
        }
    }

    Optional<Organization> setDisabled(OrganizationId id, boolean disabled) {
        return jdbc.sql(SET_DISABLED)
                .param("id", id.value())
                .param("disabled", disabled)
                .query(OrganizationRepository::map)
                .optional();
    }

    boolean anyExists() {
        return Boolean.TRUE.equals(jdbc.sql(ANY).query(Boolean.class).single());
    }

    boolean schemaReady() {
        return Boolean.TRUE.equals(jdbc.sql(SCHEMA_READY).query(Boolean.class).single());
    }

    void lockBootstrap() {
        jdbc.sql(LOCK_BOOTSTRAP).query().singleRow();
    }

    /** Serialises changes to an organization's users until the transaction ends. */
    void lockForMembershipChange(OrganizationId id) {
        jdbc.sql(LOCK).param("id", id.value()).query().listOfRows();
    }

    private static Organization map(ResultSet row, int rowNumber) throws SQLException {
        Timestamp disabledAt = row.getTimestamp("disabled_at");
        return new Organization(
                new OrganizationId(row.getObject("id", UUID.class)),
                row.getString("name"),
                row.getString("slug"),
                row.getTimestamp("created_at").toInstant(),
                disabledAt == null ? null : disabledAt.toInstant());
    }
}
