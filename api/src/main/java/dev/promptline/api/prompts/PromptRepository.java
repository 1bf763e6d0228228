package dev.promptline.api.prompts;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The prompt aggregate: prompts, their versions and their labels. Every statement filters on the organization. */
@Repository
class PromptRepository {
    /** A prompt with its newest version number and its labels, in one row. */
    private static final String PROMPT_COLUMNS = """
            p.id, p.organization_id, p.name, p.description, p.tags, p.created_at, p.updated_at,
            (SELECT max(v.version) FROM prompt_versions v WHERE v.prompt_id = p.id) AS latest_version,
            (SELECT coalesce(jsonb_object_agg(l.name, v.version), '{}'::jsonb)::text
               FROM prompt_labels l JOIN prompt_versions v ON v.id = l.prompt_version_id
              WHERE l.prompt_id = p.id) AS labels,
            (SELECT coalesce(jsonb_object_agg(s.label, jsonb_build_object(
                        'id', s.id, 'label', s.label, 'versions', s.versions, 'weights', s.weights,
                        'createdBy', s.created_by,
                        'createdAt', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
                    '{}'::jsonb)::text
               FROM prompt_label_splits s
              WHERE s.prompt_id = p.id) AS splits""";

    private static final String FIND = "SELECT " + PROMPT_COLUMNS + """

            FROM prompts p
            WHERE p.organization_id = :organizationId
              AND p.id = :id
            """;
    private static final String FIND_ID_BY_NAME =
            "SELECT id FROM prompts WHERE organization_id = :organizationId AND name = :name";
    /**
     * Filters are NULL-able parameters; the name filter is a prefix match with LIKE's wildcards escaped, so a name
     * containing % or _ matches only itself.
     */
    private static final String LIST = "SELECT " + PROMPT_COLUMNS + """

            FROM prompts p
            WHERE p.organization_id = :organizationId
              AND (CAST(:namePrefix AS text) IS NULL OR p.name LIKE :namePrefix || '%' ESCAPE '\\')
              AND (CAST(:tag AS text) IS NULL OR p.tags @> ARRAY[CAST(:tag AS text)])
              AND (CAST(:label AS text) IS NULL
                   OR EXISTS (SELECT 1 FROM prompt_labels l WHERE l.prompt_id = p.id AND l.name = :label))
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (p.created_at, p.id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY p.created_at, p.id
            LIMIT :limit
            """;

    private static final String INSERT_PROMPT = """
            INSERT INTO prompts (organization_id, name, description, tags, created_by)
            VALUES (:organizationId, :name, :description, CAST(:tags AS text[]), :createdBy)
            RETURNING id
            """;
    private static final String UPDATE_PROMPT = """
            UPDATE prompts SET description = :description, tags = CAST(:tags AS text[]), updated_at = now()
             WHERE organization_id = :organizationId AND id = :id
            """;
    private static final String DELETE_PROMPT =
            "DELETE FROM prompts WHERE organization_id = :organizationId AND id = :id";
    /** Locks the prompt so that concurrent new versions are numbered one after the other. */
    private static final String LOCK_LATEST = """
            SELECT (SELECT max(version) FROM prompt_versions WHERE prompt_id = p.id)
            FROM prompts p
            WHERE p.organization_id = :organizationId AND p.id = :id
            FOR UPDATE OF p
            """;

    private static final String VERSION_COLUMNS = """
            id, prompt_id, version, template_format, template::text AS template, variables, model_id,
            parameters::text AS parameters, fallback_model_ids, cache_ttl_seconds, commit_message, created_by, created_at""";
    private static final String INSERT_VERSION = """
            INSERT INTO prompt_versions (organization_id, prompt_id, version, template_format, template, variables,
                                         model_id, parameters, fallback_model_ids, cache_ttl_seconds, commit_message,
                                         created_by)
            VALUES (:organizationId, :promptId, :version, :format, CAST(:template AS jsonb), CAST(:variables AS text[]),
                    :modelId, CAST(:parameters AS jsonb), CAST(:fallbackModelIds AS uuid[]), :cacheTtlSeconds,
                    :commitMessage, :createdBy)
            RETURNING\s""" + VERSION_COLUMNS;
    private static final String TOUCH_PROMPT =
            "UPDATE prompts SET updated_at = now() WHERE organization_id = :organizationId AND id = :id";
    private static final String FIND_VERSION = "SELECT " + VERSION_COLUMNS + """

            FROM prompt_versions
            WHERE organization_id = :organizationId AND prompt_id = :promptId AND version = :version
            """;
    private static final String LIST_VERSIONS = "SELECT " + VERSION_COLUMNS + """

            FROM prompt_versions
            WHERE organization_id = :organizationId AND prompt_id = :promptId
              AND (CAST(:before AS integer) IS NULL OR version < :before)
            ORDER BY version DESC
            LIMIT :limit
            """;
    private static final String SET_LABEL = """
            INSERT INTO prompt_labels (organization_id, prompt_id, name, prompt_version_id, updated_by)
            SELECT :organizationId, :promptId, :label, id, :updatedBy
              FROM prompt_versions
             WHERE organization_id = :organizationId AND prompt_id = :promptId AND version = :version
            ON CONFLICT (prompt_id, name) DO UPDATE
               SET prompt_version_id = excluded.prompt_version_id, updated_by = excluded.updated_by, updated_at = now()
            """;
    private static final String DELETE_LABEL = """
            DELETE FROM prompt_labels WHERE organization_id = :organizationId AND prompt_id = :promptId AND name = :label
            """;

    private static final String RECORD_MOVE = """
            INSERT INTO prompt_label_moves
                   (organization_id, prompt_id, label, from_version, to_version, moved_by, gate, override_reason, kind,
                    split)
            VALUES (:organizationId, :promptId, :label, :fromVersion, :toVersion, :movedBy, CAST(:gate AS jsonb),
                    :overrideReason, :kind, CAST(:split AS jsonb))
            """;
    private static final String INSERT_SPLIT = """
            INSERT INTO prompt_label_splits (organization_id, prompt_id, label, versions, weights, created_by)
            VALUES (:organizationId, :promptId, :label, CAST(:versions AS integer[]), CAST(:weights AS integer[]),
                    :createdBy)
            RETURNING id
            """;
    private static final String DELETE_SPLIT = """
            DELETE FROM prompt_label_splits
             WHERE organization_id = :organizationId AND prompt_id = :promptId AND label = :label
            """;
    /** Newest first; the page token is the last move's (moved_at, id). */
    private static final String LIST_MOVES = """
            SELECT id, prompt_id, label, from_version, to_version, moved_by, moved_at, gate::text AS gate,
                   override_reason, kind, split::text AS split
              FROM prompt_label_moves
             WHERE organization_id = :organizationId AND prompt_id = :promptId AND label = :label
               AND (CAST(:beforeMovedAt AS timestamptz) IS NULL
                    OR (moved_at, id) < (CAST(:beforeMovedAt AS timestamptz), CAST(:beforeId AS uuid)))
             ORDER BY moved_at DESC, id DESC
             LIMIT :limit
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PromptRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Cacheable(cacheNames = PromptCaches.PROMPTS, key = "#organizationId.value() + ':' + #id.value()", sync = true)
    public Optional<Prompt> find(OrganizationId organizationId, PromptId id) {
        return findFresh(organizationId, id);
    }

    /** Bypasses the cache: for reading a prompt back inside the transaction that changed it. */
    Optional<Prompt> findFresh(OrganizationId organizationId, PromptId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::mapPrompt)
                .optional();
    }

    @Cacheable(cacheNames = PromptCaches.PROMPT_IDS, key = "#organizationId.value() + ':' + #name", sync = true)
    public Optional<PromptId> findIdByName(OrganizationId organizationId, String name) {
        return jdbc.sql(FIND_ID_BY_NAME)
                .param("organizationId", organizationId.value())
                .param("name", name)
                .query((row, n) -> new PromptId(row.getObject(1, UUID.class)))
                .optional();
    }

    List<Prompt> list(
            OrganizationId organizationId,
            @Nullable String namePrefix,
            @Nullable String tag,
            @Nullable String label,
            @Nullable Cursor after,
            int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("namePrefix", namePrefix == null ? null : escapeLike(namePrefix))
                .param("tag", tag)
                .param("label", label)
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(this::mapPrompt)
                .list();
    }

    PromptId insert(OrganizationId organizationId, String name, String description, List<String> tags, UserId author) {
        try {
            return new PromptId(jdbc.sql(INSERT_PROMPT)
                    .param("organizationId", organizationId.value())
                    .param("name", name)
                    .param("description", description)
                    .param("tags", textArray(tags))
                    .param("createdBy", author.value())
                    .query(UUID.class)
                    .single());
        } catch (DuplicateKeyException e) {
            throw new PromptlineException(
                    ErrorCode.PROMPT_NAME_TAKEN,
                    "A prompt named '%s' already exists in this organization.".formatted(name),
                    e);
        }
    }

    boolean update(OrganizationId organizationId, PromptId id, String description, List<String> tags) {
        return jdbc.sql(UPDATE_PROMPT)
                        .param("organizationId", organizationId.value())
                        .param("id", id.value())
                        .param("description", description)
                        .param("tags", textArray(tags))
                        .update()
                > 0;
    }

    boolean delete(OrganizationId organizationId, PromptId id) {
        return jdbc.sql(DELETE_PROMPT)
                        .param("organizationId", organizationId.value())
                        .param("id", id.value())
                        .update()
                > 0;
    }

    /** The newest version number, with the prompt locked until the transaction ends; empty if no such prompt. */
    Optional<Integer> lockLatestVersion(OrganizationId organizationId, PromptId id) {
        return jdbc.sql(LOCK_LATEST)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query((row, n) -> row.getInt(1))
                .optional();
    }

    PromptVersion insertVersion(
            OrganizationId organizationId,
            PromptId promptId,
            int version,
            PromptTemplate template,
            List<String> variables,
            @Nullable UUID modelId,
            ModelParameters parameters,
            List<UUID> fallbackModelIds,
            @Nullable Duration cacheTtl,
            String commitMessage,
            UserId author) {
        try {
            PromptVersion inserted = jdbc.sql(INSERT_VERSION)
                    .param("organizationId", organizationId.value())
                    .param("promptId", promptId.value())
                    .param("version", version)
                    .param("format", template.format())
                    .param("template", templateJson(template))
                    .param("variables", textArray(variables))
                    .param("modelId", modelId)
                    .param("parameters", json.writeValueAsString(parameters))
                    .param(
                            "fallbackModelIds",
                            textArray(fallbackModelIds.stream()
                                    .map(UUID::toString)
                                    .toList()))
                    .param("cacheTtlSeconds", cacheTtl == null ? null : (int) cacheTtl.toSeconds())
                    .param("commitMessage", commitMessage)
                    .param("createdBy", author.value())
                    .query(this::mapVersion)
                    .single();
            jdbc.sql(TOUCH_PROMPT)
                    .param("organizationId", organizationId.value())
                    .param("id", promptId.value())
                    .update();
            return inserted;
        } catch (DuplicateKeyException e) {
            // Only a writer that skipped the lock can get here; the unique key is the backstop.
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT, "Version %d of this prompt was just created.".formatted(version), e);
        }
    }

    @Cacheable(
            cacheNames = PromptCaches.VERSIONS,
            key = "#organizationId.value() + ':' + #promptId.value() + ':' + #version",
            sync = true)
    public Optional<PromptVersion> findVersion(OrganizationId organizationId, PromptId promptId, int version) {
        return jdbc.sql(FIND_VERSION)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("version", version)
                .query(this::mapVersion)
                .optional();
    }

    List<PromptVersion> listVersions(
            OrganizationId organizationId, PromptId promptId, @Nullable Integer before, int limit) {
        return jdbc.sql(LIST_VERSIONS)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("before", before)
                .param("limit", limit)
                .query(this::mapVersion)
                .list();
    }

    /** Points the label at the version; false when the prompt has no such version. */
    boolean setLabel(OrganizationId organizationId, PromptId promptId, String label, int version, UserId author) {
        return jdbc.sql(SET_LABEL)
                        .param("organizationId", organizationId.value())
                        .param("promptId", promptId.value())
                        .param("label", label)
                        .param("version", version)
                        .param("updatedBy", author.value())
                        .update()
                > 0;
    }

    boolean deleteLabel(OrganizationId organizationId, PromptId promptId, String label) {
        return jdbc.sql(DELETE_LABEL)
                        .param("organizationId", organizationId.value())
                        .param("promptId", promptId.value())
                        .param("label", label)
                        .update()
                > 0;
    }

    void recordMove(
            OrganizationId organizationId,
            PromptId promptId,
            String label,
            @Nullable Integer fromVersion,
            @Nullable Integer toVersion,
            UserId movedBy,
            @Nullable Map<String, Object> gate,
            @Nullable String overrideReason) {
        recordMove(
                organizationId,
                promptId,
                label,
                fromVersion,
                toVersion,
                movedBy,
                gate,
                overrideReason,
                LabelMove.Kind.MOVE,
                null);
    }

    /** Records a change of the label: a move, or a split set or removed (with the split's id and arms). */
    void recordMove(
            OrganizationId organizationId,
            PromptId promptId,
            String label,
            @Nullable Integer fromVersion,
            @Nullable Integer toVersion,
            UserId movedBy,
            @Nullable Map<String, Object> gate,
            @Nullable String overrideReason,
            LabelMove.Kind kind,
            @Nullable Map<String, Object> split) {
        jdbc.sql(RECORD_MOVE)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("label", label)
                .param("fromVersion", fromVersion)
                .param("toVersion", toVersion)
                .param("movedBy", movedBy.value())
                .param("gate", gate == null ? null : json.writeValueAsString(gate))
                .param("overrideReason", overrideReason)
                .param("kind", kind.value())
                .param("split", split == null ? null : json.writeValueAsString(split))
                .update();
    }

    /** Gives the label a split in place of the one it had, if any; the new split's id. */
    UUID replaceSplit(
            OrganizationId organizationId, PromptId promptId, String label, List<LabelSplit.Arm> arms, UserId author) {
        deleteSplit(organizationId, promptId, label);
        return jdbc.sql(INSERT_SPLIT)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("label", label)
                .param(
                        "versions",
                        intArray(arms.stream().map(LabelSplit.Arm::version).toList()))
                .param(
                        "weights",
                        intArray(arms.stream().map(LabelSplit.Arm::weight).toList()))
                .param("createdBy", author.value())
                .query(UUID.class)
                .single();
    }

    /** False when the label had no split. */
    boolean deleteSplit(OrganizationId organizationId, PromptId promptId, String label) {
        return jdbc.sql(DELETE_SPLIT)
                        .param("organizationId", organizationId.value())
                        .param("promptId", promptId.value())
                        .param("label", label)
                        .update()
                > 0;
    }

    List<LabelMove> listMoves(
            OrganizationId organizationId, PromptId promptId, String label, @Nullable Cursor before, int limit) {
        return jdbc.sql(LIST_MOVES)
                .param("organizationId", organizationId.value())
                .param("promptId", promptId.value())
                .param("label", label)
                .param("beforeMovedAt", before == null ? null : Timestamp.from(before.createdAt()))
                .param("beforeId", before == null ? null : before.id())
                .param("limit", limit)
                .query((row, n) -> new LabelMove(
                        row.getObject("id", UUID.class),
                        new PromptId(row.getObject("prompt_id", UUID.class)),
                        row.getString("label"),
                        row.getObject("from_version", Integer.class),
                        row.getObject("to_version", Integer.class),
                        row.getObject("moved_by", UUID.class),
                        row.getTimestamp("moved_at").toInstant(),
                        row.getString("gate") == null
                                ? null
                                : json.readValue(row.getString("gate"), new TypeReference<Map<String, Object>>() {}),
                        row.getString("override_reason"),
                        LabelMove.Kind.fromValue(row.getString("kind")),
                        row.getString("split") == null
                                ? null
                                : json.readValue(row.getString("split"), new TypeReference<Map<String, Object>>() {})))
                .list();
    }

    private Prompt mapPrompt(ResultSet row, int rowNumber) throws SQLException {
        Map<String, Integer> labels = new LinkedHashMap<>(
                json.readValue(row.getString("labels"), new TypeReference<Map<String, Integer>>() {}));
        return new Prompt(
                new PromptId(row.getObject("id", UUID.class)),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                row.getString("name"),
                row.getString("description"),
                strings(row.getArray("tags")),
                row.getInt("latest_version"),
                labels,
                splits(row.getString("splits")),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }

    /** The splits column: label to {id, label, versions, weights, createdBy, createdAt}, arms in their order. */
    private Map<String, LabelSplit> splits(String column) {
        Map<String, SplitRow> rows = json.readValue(column, new TypeReference<Map<String, SplitRow>>() {});
        var splits = new LinkedHashMap<String, LabelSplit>();
        rows.forEach((label, row) -> {
            var arms = new ArrayList<LabelSplit.Arm>();
            for (int i = 0; i < row.versions().size(); i++) {
                arms.add(new LabelSplit.Arm(row.versions().get(i), row.weights().get(i)));
            }
            splits.put(label, new LabelSplit(row.id(), row.label(), arms, row.createdBy(), row.createdAt()));
        });
        return splits;
    }

    private record SplitRow(
            UUID id,
            String label,
            List<Integer> versions,
            List<Integer> weights,
            @Nullable UUID createdBy,
            Instant createdAt) {}

    private PromptVersion mapVersion(ResultSet row, int rowNumber) throws SQLException {
        String format = row.getString("template_format");
        String template = row.getString("template");
        UUID createdBy = row.getObject("created_by", UUID.class);
        return new PromptVersion(
                row.getObject("id", UUID.class),
                new PromptId(row.getObject("prompt_id", UUID.class)),
                row.getInt("version"),
                format.equals("text")
                        ? new PromptTemplate.Text(json.readValue(template, String.class))
                        : new PromptTemplate.Chat(json.readValue(template, new TypeReference<List<ChatMessage>>() {})),
                strings(row.getArray("variables")),
                row.getObject("model_id", UUID.class),
                json.readValue(row.getString("parameters"), ModelParameters.class),
                uuids(row.getArray("fallback_model_ids")),
                row.getObject("cache_ttl_seconds") == null ? null : Duration.ofSeconds(row.getInt("cache_ttl_seconds")),
                row.getString("commit_message"),
                createdBy == null ? null : new UserId(createdBy),
                row.getTimestamp("created_at").toInstant());
    }

    private String templateJson(PromptTemplate template) {
        return switch (template) {
            case PromptTemplate.Text text -> json.writeValueAsString(text.text());
            case PromptTemplate.Chat chat -> json.writeValueAsString(chat.messages());
        };
    }

    private static String textArray(List<String> values) {
        // A PostgreSQL array literal, each element quoted and escaped, bound as one text parameter.
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            literal.append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return literal.append('}').toString();
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static List<UUID> uuids(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : List.of((UUID[]) array.getArray());
    }

    private static String intArray(List<Integer> values) {
        return "{" + String.join(",", values.stream().map(String::valueOf).toList()) + "}";
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
