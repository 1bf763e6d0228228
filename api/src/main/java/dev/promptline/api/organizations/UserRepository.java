package dev.promptline.api.organizations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class UserRepository {
    private static final String COLUMNS = "id, organization_id, email, name, role, created_at, updated_at";
    private static final String FIND = "SELECT " + COLUMNS + """
             FROM users
            WHERE organization_id = :organizationId
              AND id = :id
            """;
    private static final String FIND_FOR_SHARE = FIND + " FOR SHARE";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM users
            WHERE organization_id = :organizationId
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (created_at, id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY created_at, id
            LIMIT :limit
            """;
    private static final String INSERT = """
            INSERT INTO users (organization_id, email, name, role)
            VALUES (:organizationId, :email, :name, :role)
            RETURNING""" + " " + COLUMNS;
    private static final String UPDATE = """
            UPDATE users
               SET name = :name, role = :role, updated_at = now()
             WHERE organization_id = :organizationId
               AND id = :id
            RETURNING""" + " " + COLUMNS;
    private static final String DELETE = "DELETE FROM users WHERE organization_id = :organizationId AND id = :id";
    private static final String COUNT_OWNERS =
            "SELECT count(*) FROM users WHERE organization_id = :organizationId AND role = 'owner'";

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<User> find(OrganizationId organizationId, UserId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(UserRepository::map)
                .optional();
    }

    /** As {@link #find}, and the row cannot change until the transaction ends. */
    Optional<User> findForShare(OrganizationId organizationId, UserId id) {
        return jdbc.sql(FIND_FOR_SHARE)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(UserRepository::map)
                .optional();
    }

    List<User> list(OrganizationId organizationId, @Nullable Cursor after, int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(UserRepository::map)
                .list();
    }

    User insert(OrganizationId organizationId, String email, @Nullable String name, Role role) {
        try {
            return jdbc.sql(INSERT)
                    .param("organizationId", organizationId.value())
                    .param("email", email)
                    .param("name", name)
                    .param("role", role.value())
                    .query(UserRepository::map)
                    .single();
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.USER_EMAIL_TAKEN,
                    "A user with e-mail '%s' already exists in this organization.".formatted(email),
                    e);
        }
    }

    Optional<User> update(OrganizationId organizationId, UserId id, @Nullable String name, Role role) {
        try {
            return jdbc.sql(UPDATE)
                    .param("organizationId", organizationId.value())
                    .param("id", id.value())
                    .param("name", name)
                    .param("role", role.value())
                    .query(UserRepository::map)
                    .optional();
        } catch (DataIntegrityViolationException e) {
            throw refusedByTheDatabase(e);
        }
    }

    boolean delete(OrganizationId organizationId, UserId id) {
        try {
            return jdbc.sql(DELETE)
                            .param("organizationId", organizationId.value())
                            .param("id", id.value())
                            .update()
                    > 0;
        } catch (DataIntegrityViolationException e) {
            throw refusedByTheDatabase(e);
        }
    }

    /** The users_keep_an_owner trigger refused to leave the organization without an owner. */
    private static RuntimeException refusedByTheDatabase(DataIntegrityViolationException e) {
        String message = e.getMessage();
        return message != null && message.contains("without an owner") ? UserService.lastOwner(e) : e;
    }

    int countOwners(OrganizationId organizationId) {
        return jdbc.sql(COUNT_OWNERS)
                .param("organizationId", organizationId.value())
                .query(Integer.class)
                .single();
    }

    static User map(ResultSet row, int rowNumber) throws SQLException {
        return new User(
                new UserId(row.getObject("id", UUID.class)),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getString("email"),
                row.getString("name"),
                Role.fromValue(row.getString("role")),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
