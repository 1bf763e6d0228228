package dev.promptline.api.organizations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class OrganizationRepository {
    private static final String FIND = "SELECT id, name, slug, created_at FROM organizations WHERE id = :id";
    private static final String INSERT = "INSERT INTO organizations (name, slug) VALUES (:name, :slug) RETURNING id";
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
                .query((row, n) -> new Organization(
                        new OrganizationId(row.getObject("id", UUID.class)),
                        row.getString("name"),
                        row.getString("slug"),
                        row.getTimestamp("created_at").toInstant()))
                .optional();
    }

    OrganizationId insert(String name, String slug) {
        return new OrganizationId(jdbc.sql(INSERT)
                .param("name", name)
                .param("slug", slug)
                .query(UUID.class)
                .single());
    }

    /** Serialises changes to an organization's users until the transaction ends. */
    void lockForMembershipChange(OrganizationId id) {
        jdbc.sql(LOCK).param("id", id.value()).query().listOfRows();
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
}
