package dev.promptline.api.evaluations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The evaluator aggregate: evaluators and their versions. Every statement filters on the organization. */
@Repository
class EvaluatorRepository {
    /** An evaluator with its newest version, in one row. */
    private static final String EVALUATOR_COLUMNS = """
            e.id, e.organization_id, e.name, e.description, e.type, e.created_by, e.created_at, e.updated_at,
            v.id AS version_id, v.version, v.config::text AS config, v.created_by AS version_created_by,
            v.created_at AS version_created_at
            FROM evaluators e
            JOIN evaluator_versions v ON v.evaluator_id = e.id AND v.version = e.latest_version""";

    private static final String FIND = "SELECT " + EVALUATOR_COLUMNS + """

            WHERE e.organization_id = :organizationId
              AND e.id = :id
            """;
    /** The name filter is a prefix match with LIKE's wildcards escaped, so % or _ in a name match only themselves. */
    private static final String LIST = "SELECT " + EVALUATOR_COLUMNS + """

            WHERE e.organization_id = :organizationId
              AND (CAST(:namePrefix AS text) IS NULL OR e.name LIKE :namePrefix || '%' ESCAPE '\\')
              AND (CAST(:type AS text) IS NULL OR e.type = :type)
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (e.created_at, e.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY e.created_at, e.id
            LIMIT :limit
            """;

    private static final String INSERT_EVALUATOR = """
            INSERT INTO evaluators (organization_id, name, description, type, created_by)
            VALUES (:organizationId, :name, :description, :type, :createdBy)
            RETURNING id
            """;
    private static final String DELETE_EVALUATOR =
            "DELETE FROM evaluators WHERE organization_id = :organizationId AND id = :id";
    /** Locks the evaluator so that concurrent new versions are numbered one after the other. */
    private static final String LOCK_LATEST = """
            SELECT latest_version, type
            FROM evaluators
            WHERE organization_id = :organizationId AND id = :id
            FOR UPDATE
            """;

    private static final String VERSION_COLUMNS =
            "id, evaluator_id, version, type, config::text AS config, created_by, created_at";
    private static final String INSERT_VERSION = """
            INSERT INTO evaluator_versions (organization_id, evaluator_id, version, type, config, created_by)
            VALUES (:organizationId, :evaluatorId, :version, :type, CAST(:config AS jsonb), :createdBy)
            RETURNING\s""" + VERSION_COLUMNS;
    private static final String MOVE_LATEST = """
            UPDATE evaluators SET latest_version = :version, updated_at = now()
             WHERE organization_id = :organizationId AND id = :id
            """;
    private static final String FIND_VERSION = "SELECT " + VERSION_COLUMNS + """

            FROM evaluator_versions
            WHERE organization_id = :organizationId AND evaluator_id = :evaluatorId AND version = :version
            """;
    private static final String LIST_VERSIONS = "SELECT " + VERSION_COLUMNS + """

            FROM evaluator_versions
            WHERE organization_id = :organizationId AND evaluator_id = :evaluatorId
              AND (CAST(:before AS integer) IS NULL OR version < :before)
            ORDER BY version DESC
            LIMIT :limit
            """;
    /** The name of the evaluator a version belongs to, with the version: what a configured evaluator carries. */
    private static final String FIND_NAMED_VERSION = """
            SELECT e.name, v.id, v.evaluator_id, v.version, v.type, v.config::text AS config, v.created_by,
                   v.created_at
            FROM evaluators e
            JOIN evaluator_versions v ON v.evaluator_id = e.id
            WHERE e.organization_id = :organizationId AND e.id = :evaluatorId
              AND v.version = COALESCE(CAST(:version AS integer), e.latest_version)
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    EvaluatorRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The newest version of a locked evaluator and its type. */
    record Latest(int version, String type) {}

    /** A version and the name of its evaluator. */
    record NamedVersion(String name, EvaluatorVersion version) {}

    Optional<Evaluator> find(OrganizationId organizationId, EvaluatorId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::mapEvaluator)
                .optional();
    }

    List<Evaluator> list(
            OrganizationId organizationId,
            @Nullable String namePrefix,
            @Nullable String type,
            @Nullable Cursor after,
            int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("namePrefix", namePrefix == null ? null : escapeLike(namePrefix))
                .param("type", type)
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(this::mapEvaluator)
                .list();
    }

    EvaluatorId insert(OrganizationId organizationId, String name, String description, String type, UserId author) {
        try {
            return new EvaluatorId(jdbc.sql(INSERT_EVALUATOR)
                    .param("organizationId", organizationId.value())
                    .param("name", name)
                    .param("description", description)
                    .param("type", type)
                    .param("createdBy", author.value())
                    .query(UUID.class)
                    .single());
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.EVALUATOR_NAME_TAKEN,
                    "An evaluator named '%s' already exists in this organization.".formatted(name),
                    e);
        }
    }

    boolean delete(OrganizationId organizationId, EvaluatorId id) {
        return jdbc.sql(DELETE_EVALUATOR)
                        .param("organizationId", organizationId.value())
                        .param("id", id.value())
                        .update()
                > 0;
    }

    /** The newest version, with the evaluator locked until the transaction ends; empty if there is none such. */
    Optional<Latest> lockLatest(OrganizationId organizationId, EvaluatorId id) {
        return jdbc.sql(LOCK_LATEST)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query((row, n) -> new Latest(row.getInt("latest_version"), row.getString("type")))
                .optional();
    }

    /** Records version {@code version} and makes it the evaluator's newest. */
    EvaluatorVersion insertVersion(
            OrganizationId organizationId,
            EvaluatorId evaluatorId,
            int version,
            String type,
            JsonNode config,
            UserId author) {
        try {
            EvaluatorVersion inserted = jdbc.sql(INSERT_VERSION)
                    .param("organizationId", organizationId.value())
                    .param("evaluatorId", evaluatorId.value())
                    .param("version", version)
                    .param("type", type)
                    .param("config", json.writeValueAsString(config))
                    .param("createdBy", author.value())
                    .query(this::mapVersion)
                    .single();
            jdbc.sql(MOVE_LATEST)
                    .param("organizationId", organizationId.value())
                    .param("id", evaluatorId.value())
                    .param("version", version)
                    .update();
            return inserted;
        } catch (DuplicateKeyException e) {
            // Only a writer that skipped the lock can get here; the unique key is the backstop.
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT, "Version %d of this evaluator was just created.".formatted(version), e);
        }
    }

    Optional<EvaluatorVersion> findVersion(OrganizationId organizationId, EvaluatorId evaluatorId, int version) {
        return jdbc.sql(FIND_VERSION)
                .param("organizationId", organizationId.value())
                .param("evaluatorId", evaluatorId.value())
                .param("version", version)
                .query(this::mapVersion)
                .optional();
    }

    /** The evaluator's version {@code version}, or its newest when null, with the evaluator's name. */
    Optional<NamedVersion> findNamedVersion(
            OrganizationId organizationId, EvaluatorId evaluatorId, @Nullable Integer version) {
        return jdbc.sql(FIND_NAMED_VERSION)
                .param("organizationId", organizationId.value())
                .param("evaluatorId", evaluatorId.value())
                .param("version", version)
                .query((row, n) -> new NamedVersion(row.getString("name"), mapVersion(row, n)))
                .optional();
    }

    List<EvaluatorVersion> listVersions(
            OrganizationId organizationId, EvaluatorId evaluatorId, @Nullable Integer before, int limit) {
        return jdbc.sql(LIST_VERSIONS)
                .param("organizationId", organizationId.value())
                .param("evaluatorId", evaluatorId.value())
                .param("before", before)
                .param("limit", limit)
                .query(this::mapVersion)
                .list();
    }

    private Evaluator mapEvaluator(ResultSet row, int rowNumber) throws SQLException {
        var id = new EvaluatorId(row.getObject("id", UUID.class));
        UUID createdBy = row.getObject("created_by", UUID.class);
        UUID versionCreatedBy = row.getObject("version_created_by", UUID.class);
        String type = row.getString("type");
        return new Evaluator(
                id,
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getString("name"),
                row.getString("description"),
                type,
                new EvaluatorVersion(
                        row.getObject("version_id", UUID.class),
                        id,
                        row.getInt("version"),
                        type,
                        json.readTree(row.getString("config")),
                        versionCreatedBy == null ? null : new UserId(versionCreatedBy),
                        row.getTimestamp("version_created_at").toInstant()),
                createdBy == null ? null : new UserId(createdBy),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }

    private EvaluatorVersion mapVersion(ResultSet row, int rowNumber) throws SQLException {
        UUID createdBy = row.getObject("created_by", UUID.class);
        return new EvaluatorVersion(
                row.getObject("id", UUID.class),
                new EvaluatorId(row.getObject("evaluator_id", UUID.class)),
                row.getInt("version"),
                row.getString("type"),
                json.readTree(row.getString("config")),
                createdBy == null ? null : new UserId(createdBy),
                row.getTimestamp("created_at").toInstant());
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
