package dev.promptline.api.models;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class ModelRepository {
    private static final String COLUMNS = """
            id, organization_id, provider, name, provider_model_id, base_url, parameters::text AS parameters,
            credential_ciphertext, credential_env_var, input_price_per_million, output_price_per_million, enabled,
            created_at, updated_at, first_token_timeout_ms, idle_timeout_ms""";
    private static final String FIND = "SELECT " + COLUMNS + """

            FROM models
            WHERE organization_id = :organizationId
              AND id = :id
            """;
    /** Optional filters are NULL-able parameters, so the statement and its plan stay the same for every request. */
    private static final String LIST = "SELECT " + COLUMNS + """

            FROM models
            WHERE organization_id = :organizationId
              AND (CAST(:provider AS text) IS NULL OR provider = :provider)
              AND (CAST(:enabled AS boolean) IS NULL OR enabled = :enabled)
              AND (CAST(:afterCreatedAt AS timestamptz) IS NULL
                   OR (created_at, id) > (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY created_at, id
            LIMIT :limit
            """;

    private static final String INSERT = """
            INSERT INTO models (organization_id, provider, name, provider_model_id, base_url, parameters,
                                credential_ciphertext, credential_env_var, input_price_per_million,
                                output_price_per_million, enabled, first_token_timeout_ms, idle_timeout_ms)
            VALUES (:organizationId, :provider, :name, :providerModelId, :baseUrl, CAST(:parameters AS jsonb),
                    :ciphertext, :envVar, :inputPrice, :outputPrice, :enabled, :firstTokenTimeoutMs, :idleTimeoutMs)
            RETURNING\s""" + COLUMNS;
    private static final String UPDATE = """
            UPDATE models
               SET name = :name, provider_model_id = :providerModelId, base_url = :baseUrl,
                   parameters = CAST(:parameters AS jsonb), credential_ciphertext = :ciphertext,
                   credential_env_var = :envVar, input_price_per_million = :inputPrice,
                   output_price_per_million = :outputPrice, enabled = :enabled,
                   first_token_timeout_ms = :firstTokenTimeoutMs, idle_timeout_ms = :idleTimeoutMs, updated_at = now()
             WHERE organization_id = :organizationId
               AND id = :id
            RETURNING\s""" + COLUMNS;
    private static final String DELETE = "DELETE FROM models WHERE organization_id = :organizationId AND id = :id";
    /** Across organizations: only the key-rotation command reads this, never a request. Keyset pages by id. */
    private static final String ENCRYPTED_CREDENTIALS = """
            SELECT id, organization_id, name, credential_ciphertext
            FROM models
            WHERE credential_ciphertext IS NOT NULL
              AND id > :afterId
            ORDER BY id
            LIMIT :limit
            """;
    /** Replaces the ciphertext only if nobody changed it since it was read (a concurrent PATCH wins). */
    private static final String REPLACE_CIPHERTEXT = """
            UPDATE models
               SET credential_ciphertext = :replacement
             WHERE organization_id = :organizationId
               AND id = :id
               AND credential_ciphertext = :expected
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ModelRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Cacheable(cacheNames = ModelCaches.MODELS, key = "#organizationId.value() + ':' + #id.value()", sync = true)
    public Optional<Model> find(OrganizationId organizationId, ModelId id) {
        return jdbc.sql(FIND)
                .param("organizationId", organizationId.value())
                .param("id", id.value())
                .query(this::map)
                .optional();
    }

    /** The id of the organization's model with this name (names are unique per organization). */
    Optional<ModelId> findIdByName(OrganizationId organizationId, String name) {
        return jdbc.sql("SELECT id FROM models WHERE organization_id = :organizationId AND name = :name")
                .param("organizationId", organizationId.value())
                .param("name", name)
                .query((row, index) -> new ModelId(row.getObject("id", UUID.class)))
                .optional();
    }

    List<Model> list(
            OrganizationId organizationId,
            @Nullable Provider provider,
            @Nullable Boolean enabled,
            @Nullable Cursor after,
            int limit) {
        return jdbc.sql(LIST)
                .param("organizationId", organizationId.value())
                .param("provider", provider == null ? null : provider.value())
                .param("enabled", enabled)
                .param("afterCreatedAt", after == null ? null : Timestamp.from(after.createdAt()))
                .param("afterId", after == null ? null : after.id())
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    Model insert(Model model) {
        try {
            return bind(jdbc.sql(INSERT), model).query(this::map).single();
        } catch (DuplicateKeyException e) {
            throw nameTaken(model.name(), e);
        }
    }

    Optional<Model> update(Model model) {
        try {
            return bind(jdbc.sql(UPDATE), model)
                    .param("id", model.id().value())
                    .query(this::map)
                    .optional();
        } catch (DuplicateKeyException e) {
            throw nameTaken(model.name(), e);
        }
    }

    /** False when there was no such model; a model that prompt versions still use is refused by the database. */
    boolean delete(OrganizationId organizationId, ModelId id) {
        try {
            return jdbc.sql(DELETE)
                            .param("organizationId", organizationId.value())
                            .param("id", id.value())
                            .update()
                    > 0;
        } catch (DataIntegrityViolationException e) {
            throw new PromptlineException(
                    ErrorCode.MODEL_IN_USE,
                    "Model %s is used by prompt versions; disable it instead (\"enabled\": false).".formatted(id),
                    e);
        }
    }

    /** A stored credential as the key-rotation command sees it. */
    record EncryptedCredential(ModelId id, OrganizationId organizationId, String name, byte[] ciphertext) {
        @Override
        public String toString() {
            return "EncryptedCredential[id=" + id + ", organizationId=" + organizationId + ", name=" + name + "]";
        }
    }

    List<EncryptedCredential> encryptedCredentials(UUID afterId, int limit) {
        return jdbc.sql(ENCRYPTED_CREDENTIALS)
                .param("afterId", afterId)
                .param("limit", limit)
                .query((row, number) -> new EncryptedCredential(
                        new ModelId(row.getObject("id", UUID.class)),
                        new OrganizationId(row.getObject("organization_id", UUID.class)),
                        row.getString("name"),
                        row.getBytes("credential_ciphertext")))
                .list();
    }

    boolean replaceCiphertext(EncryptedCredential credential, byte[] replacement) {
        return jdbc.sql(REPLACE_CIPHERTEXT)
                        .param("organizationId", credential.organizationId().value())
                        .param("id", credential.id().value())
                        .param("expected", credential.ciphertext())
                        .param("replacement", replacement)
                        .update()
                > 0;
    }

    private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Model model) {
        byte[] ciphertext =
                model.credential() instanceof Credential.Encrypted encrypted ? encrypted.ciphertext() : null;
        String envVar = model.credential() instanceof Credential.EnvironmentVariable variable ? variable.name() : null;
        return statement
                .param("organizationId", model.organizationId().value())
                .param("provider", model.provider().value())
                .param("name", model.name())
                .param("providerModelId", model.providerModelId())
                .param(
                        "baseUrl",
                        model.baseUrl() == null ? null : model.baseUrl().toString())
                .param("parameters", json.writeValueAsString(model.parameters()))
                .param("ciphertext", ciphertext)
                .param("envVar", envVar)
                .param("inputPrice", model.inputPricePerMillion())
                .param("outputPrice", model.outputPricePerMillion())
                .param("enabled", model.enabled())
                .param("firstTokenTimeoutMs", millis(model.timeouts().firstToken()))
                .param("idleTimeoutMs", millis(model.timeouts().idle()));
    }

    private static @Nullable Integer millis(@Nullable Duration duration) {
        return duration == null ? null : (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static @Nullable Duration duration(ResultSet row, String column) throws SQLException {
        Integer millis = row.getObject(column, Integer.class);
        return millis == null ? null : Duration.ofMillis(millis);
    }

    private Model map(ResultSet row, int rowNumber) throws SQLException {
        String baseUrl = row.getString("base_url");
        return new Model(
                new ModelId(row.getObject("id", UUID.class)),
                new OrganizationId(row.getObject("organization_id", UUID.class)),
                Provider.fromValue(row.getString("provider")),
                row.getString("name"),
                row.getString("provider_model_id"),
                baseUrl == null ? null : URI.create(baseUrl),
                json.readValue(row.getString("parameters"), ModelParameters.class),
                Credential.of(row.getBytes("credential_ciphertext"), row.getString("credential_env_var")),
                row.getBigDecimal("input_price_per_million"),
                row.getBigDecimal("output_price_per_million"),
                row.getBoolean("enabled"),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant(),
                new ModelTimeouts(duration(row, "first_token_timeout_ms"), duration(row, "idle_timeout_ms")));
    }

    private static PromptlineException nameTaken(String name, Exception cause) {
        return new PromptlineException(
                ErrorCode.MODEL_NAME_TAKEN,
                "A model named '%s' already exists in this organization.".formatted(name),
                cause);
    }
}
