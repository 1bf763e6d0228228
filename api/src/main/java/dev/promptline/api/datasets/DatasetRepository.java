package dev.promptline.api.datasets;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The dataset aggregate: datasets, their versions and their items. Every statement filters on the organization. */
@Repository
class DatasetRepository {
    /** A dataset with the item count of its newest version, in one row. */
    private static final String DATASET_COLUMNS = """
            d.id, d.organization_id, d.name, d.description, d.latest_version, d.created_by, d.created_at, d.updated_at,
            (SELECT v.item_count FROM dataset_versions v
              WHERE v.dataset_id = d.id AND v.version = d.latest_version) AS item_count""";

    private static final String FIND = "SELECT " + DATASET_COLUMNS + """

            FROM datasets d
            WHERE d.organization_id = :organizationId
              AND d.id = :id
            """;
    /** The name filter is a prefix match with LIKE's wildcards escaped, so % or _ in a name match only themselves. */
    private static final String LIST = "SELECT " + DATASET_COLUMNS + """

            FROM datasets d
            WHERE d.organization_id = :organizationId
              AND (CAST(:namePrefix AS text) IS NULL OR d.name LIKE :namePrefix || '%' ESCAPE '\\')
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (d.created_at, d.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY d.created_at, d.id
            LIMIT :limit
            """;

    private static final String INSERT_DATASET = """
            INSERT INTO datasets (organization_id, name, description, created_by)
            VALUES (:organizationId, :name, :description, :createdBy)
            RETURNING id
            """;
    private static final String DELETE_DATASET =
            "DELETE FROM datasets WHERE organization_id = :organizationId AND id = :id";
    /** Locks the dataset so that concurrent changes are numbered one after the other. */
    private static final String LOCK_LATEST = """
            SELECT d.latest_version,
                   (SELECT v.item_count FROM dataset_versions v
                     WHERE v.dataset_id = d.id AND v.version = d.latest_version) AS item_count
            FROM datasets d
            WHERE d.organization_id = :organizationId AND d.id = :id
            FOR UPDATE OF d
            """;

    private static final String VERSION_COLUMNS =
            "id, dataset_id, version, item_count, change_note, created_by, created_at";
    private static final String INSERT_VERSION = """
            INSERT INTO dataset_versions (organization_id, dataset_id, version, item_count, change_note, created_by)
            VALUES (:organizationId, :datasetId, :version, :itemCount, :changeNote, :createdBy)
            RETURNING\s""" + VERSION_COLUMNS;
    private static final String MOVE_LATEST = """
            UPDATE datasets SET latest_version = :version, updated_at = now()
             WHERE organization_id = :organizationId AND id = :id
            """;
    private static final String FIND_VERSION = "SELECT " + VERSION_COLUMNS + """

            FROM dataset_versions
            WHERE organization_id = :organizationId AND dataset_id = :datasetId AND version = :version
            """;
    private static final String LIST_VERSIONS = "SELECT " + VERSION_COLUMNS + """

            FROM dataset_versions
            WHERE organization_id = :organizationId AND dataset_id = :datasetId
              AND (CAST(:before AS integer) IS NULL OR version < :before)
            ORDER BY version DESC
            LIMIT :limit
            """;
    private static final String ITEM_COLUMNS = """
            id, ordinal, dataset_id, input::text AS input, expected_output, metadata::text AS metadata,
            source_execution_id, added_in_version, removed_in_version, created_at""";
    private static final String INSERT_ITEM = """
            INSERT INTO dataset_items (organization_id, dataset_id, input, expected_output, metadata,
                                       source_execution_id, added_in_version)
            VALUES (:organizationId, :datasetId, CAST(:input AS jsonb), :expectedOutput, CAST(:metadata AS jsonb),
                    :sourceExecutionId, :version)
            """;
    /**
     * An edited item: a new row that takes the place (the ordinal) of the item it replaces, whose range ends where this
     * one's starts, so that no version holds both and every version's order stays the same.
     */
    private static final String INSERT_ITEM_AT = """
            INSERT INTO dataset_items (ordinal, organization_id, dataset_id, input, expected_output, metadata,
                                       source_execution_id, added_in_version)
            OVERRIDING SYSTEM VALUE
            VALUES (:ordinal, :organizationId, :datasetId, CAST(:input AS jsonb), :expectedOutput,
                    CAST(:metadata AS jsonb), :sourceExecutionId, :version)
            RETURNING\s""" + """
            id, ordinal, dataset_id, input::text AS input, expected_output, metadata::text AS metadata,
            source_execution_id, added_in_version, removed_in_version, created_at""";
    /** The item if the newest version holds it (its range is still open). */
    private static final String FIND_CURRENT_ITEM = "SELECT " + """
            id, ordinal, dataset_id, input::text AS input, expected_output, metadata::text AS metadata,
            source_execution_id, added_in_version, removed_in_version, created_at""" + """

            FROM dataset_items
            WHERE organization_id = :organizationId AND dataset_id = :datasetId AND id = :id
              AND removed_in_version IS NULL
            """;
    /** Ends the range of every item the newest version holds: what replacing all items starts with. */
    private static final String REMOVE_ALL_ITEMS = """
            UPDATE dataset_items SET removed_in_version = :version
             WHERE organization_id = :organizationId AND dataset_id = :datasetId
               AND removed_in_version IS NULL
            """;
    /** Ends an item's range at {@code version}: it is in every version before, and in none from this one on. */
    private static final String REMOVE_ITEM = """
            UPDATE dataset_items SET removed_in_version = :version
             WHERE organization_id = :organizationId AND dataset_id = :datasetId AND id = :id
               AND removed_in_version IS NULL
            """;
    /**
     * The items of one version in their stable order (the order they were added in), after a page position: an
     * ordered scan of dataset_items_dataset_id_ordinal_idx whose range test the index answers.
     */
    private static final String LIST_ITEMS = "SELECT " + ITEM_COLUMNS + """

            FROM dataset_items
            WHERE organization_id = :organizationId AND dataset_id = :datasetId
              AND added_in_version <= :version
              AND (removed_in_version IS NULL OR removed_in_version > :version)
              AND ordinal > :after
            ORDER BY ordinal
            LIMIT :limit
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    DatasetRepository(JdbcClient jdbc, NamedParameterJdbcTemplate named, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** The newest version of a dataset and the number of items it holds. */
    record Latest(int version, int itemCount) {}

    /** An item and its place in the dataset's order (the position of a page). */
    record Positioned(DatasetItem item, long ordinal) {}

    Optional<Dataset> find(OrganizationId organizationId, DatasetId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(DatasetRepository::mapDataset)
                .optional();
    }

    List<Dataset> list(OrganizationId organizationId, @Nullable String namePrefix, @Nullable Cursor after, int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("namePrefix", namePrefix == null ? null : escapeLike(namePrefix))
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(DatasetRepository::mapDataset)
                .list();
    }

    DatasetId insert(OrganizationId organizationId, String name, String description, UserId author) {
        try {
            return new DatasetId(jdbc.sql(INSERT_DATASET)
                    .param("organizationId", organizationId.value())
                    .param("name", name)
                    .param("description", description)
                    .param("createdBy", author.value())
                    .query(UUID.class)
                    .single());
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.DATASET_NAME_TAKEN,
                    "A dataset named '%s' already exists in this organization.".formatted(name),
                    e);
        }
    }

    boolean delete(OrganizationId organizationId, DatasetId id) {
        return jdbc.sql(DELETE_DATASET)
                        .param("organizationId", organizationId.value())
                        .param("id", id.value())
                        .update()
                > 0;
    }

    /** The newest version, with the dataset locked until the transaction ends; empty if there is no such dataset. */
    Optional<Latest> lockLatest(OrganizationId organizationId, DatasetId id) {
        return jdbc.sql(LOCK_LATEST)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query((row, n) -> new Latest(row.getInt("latest_version"), row.getInt("item_count")))
                .optional();
    }

    /** Records version {@code version} and makes it the dataset's newest. */
    DatasetVersion insertVersion(
            OrganizationId organizationId,
            DatasetId datasetId,
            int version,
            int itemCount,
            String changeNote,
            UserId author) {
        try {
            DatasetVersion inserted = jdbc.sql(INSERT_VERSION)
                    .param("organizationId", organizationId.value())
                    .param("datasetId", datasetId.value())
                    .param("version", version)
                    .param("itemCount", itemCount)
                    .param("changeNote", changeNote)
                    .param("createdBy", author.value())
                    .query(DatasetRepository::mapVersion)
                    .single();
            jdbc.sql(MOVE_LATEST)
                    .param("organizationId", organizationId.value())
                    .param("id", datasetId.value())
                    .param("version", version)
                    .update();
            return inserted;
        } catch (DuplicateKeyException e) {
            // Only a writer that skipped the lock can get here; the unique key is the backstop.
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT, "Version %d of this dataset was just created.".formatted(version), e);
        }
    }

    /** Adds the items to the dataset from {@code version} on, in their order, in one batch. */
    void insertItems(OrganizationId organizationId, DatasetId datasetId, int version, List<ItemDraft> items) {
        if (items.isEmpty()) {
            return;
        }
        SqlParameterSource[] rows = items.stream()
                .map(item -> new MapSqlParameterSource()
                        .addValue("organizationId", organizationId.value())
                        .addValue("datasetId", datasetId.value())
                        .addValue("input", json.writeValueAsString(item.input()))
                        .addValue("expectedOutput", item.expectedOutput())
                        .addValue("metadata", json.writeValueAsString(item.metadata()))
                        .addValue("sourceExecutionId", item.sourceExecutionId())
                        .addValue("version", version))
                .toArray(SqlParameterSource[]::new);
        named.batchUpdate(INSERT_ITEM, rows);
    }

    /** Ends the item's range at {@code version}; false if the newest version does not hold it. */
    boolean removeItem(OrganizationId organizationId, DatasetId datasetId, UUID itemId, int version) {
        return jdbc.sql(REMOVE_ITEM)
                        .param("organizationId", organizationId.value())
                        .param("datasetId", datasetId.value())
                        .param("id", itemId)
                        .param("version", version)
                        .update()
                > 0;
    }

    /** The item, if the newest version holds it. */
    Optional<Positioned> findCurrentItem(OrganizationId organizationId, DatasetId datasetId, UUID itemId) {
        return jdbc.sql(FIND_CURRENT_ITEM)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("id", itemId)
                .query(this::mapItem)
                .optional();
    }

    /** Adds an item from {@code version} on, at the position {@code ordinal} of the item it replaces. */
    DatasetItem insertItemAt(
            OrganizationId organizationId, DatasetId datasetId, int version, ItemDraft item, long ordinal) {
        return jdbc.sql(INSERT_ITEM_AT)
                .param("ordinal", ordinal)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("input", json.writeValueAsString(item.input()))
                .param("expectedOutput", item.expectedOutput())
                .param("metadata", json.writeValueAsString(item.metadata()))
                .param("sourceExecutionId", item.sourceExecutionId())
                .param("version", version)
                .query(this::mapItem)
                .single()
                .item();
    }

    /** Ends the range of every item of the newest version at {@code version}; how many there were. */
    int removeAllItems(OrganizationId organizationId, DatasetId datasetId, int version) {
        return jdbc.sql(REMOVE_ALL_ITEMS)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("version", version)
                .update();
    }

    Optional<DatasetVersion> findVersion(OrganizationId organizationId, DatasetId datasetId, int version) {
        return jdbc.sql(FIND_VERSION)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("version", version)
                .query(DatasetRepository::mapVersion)
                .optional();
    }

    List<DatasetVersion> listVersions(
            OrganizationId organizationId, DatasetId datasetId, @Nullable Integer before, int limit) {
        return jdbc.sql(LIST_VERSIONS)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("before", before)
                .param("limit", limit)
                .query(DatasetRepository::mapVersion)
                .list();
    }

    List<Positioned> listItems(OrganizationId organizationId, DatasetId datasetId, int version, long after, int limit) {
        return jdbc.sql(LIST_ITEMS)
                .param("organizationId", organizationId.value())
                .param("datasetId", datasetId.value())
                .param("version", version)
                .param("after", after)
                .param("limit", limit)
                .query(this::mapItem)
                .list();
    }

    private static Dataset mapDataset(ResultSet row, int rowNumber) throws SQLException {
        UUID createdBy = row.getObject("created_by", UUID.class);
        return new Dataset(
                new DatasetId(row.getObject("id", UUID.class)),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getString("name"),
                row.getString("description"),
                row.getInt("latest_version"),
                row.getInt("item_count"),
                createdBy == null ? null : new UserId(createdBy),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }

    private static DatasetVersion mapVersion(ResultSet row, int rowNumber) throws SQLException {
        UUID createdBy = row.getObject("created_by", UUID.class);
        return new DatasetVersion(
                row.getObject("id", UUID.class),
                new DatasetId(row.getObject("dataset_id", UUID.class)),
                row.getInt("version"),
                row.getInt("item_count"),
                row.getString("change_note"),
                createdBy == null ? null : new UserId(createdBy),
                row.getTimestamp("created_at").toInstant());
    }

    private Positioned mapItem(ResultSet row, int rowNumber) throws SQLException {
        Map<String, String> input = new LinkedHashMap<>(
                json.readValue(row.getString("input"), new TypeReference<Map<String, String>>() {}));
        Map<String, Object> metadata = new LinkedHashMap<>(
                json.readValue(row.getString("metadata"), new TypeReference<Map<String, Object>>() {}));
        var item = new DatasetItem(
                row.getObject("id", UUID.class),
                new DatasetId(row.getObject("dataset_id", UUID.class)),
                new ItemDraft(
                        input,
                        row.getString("expected_output"),
                        metadata,
                        row.getObject("source_execution_id", UUID.class)),
                row.getInt("added_in_version"),
                row.getObject("removed_in_version", Integer.class),
                row.getTimestamp("created_at").toInstant());
        return new Positioned(item, row.getLong("ordinal"));
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
