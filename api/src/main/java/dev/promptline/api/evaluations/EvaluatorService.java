package dev.promptline.api.evaluations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluators and their immutable versions; the module's API for experiments, which score their items with
 * {@link #configured}. A configuration is checked by its kind before anything is written: an unknown type or a bad
 * configuration is a 400 naming the field ({@code #/type}, {@code #/config/pattern}).
 */
@Service
public class EvaluatorService {
    /** The longest configuration accepted, as JSON text: a JSON Schema or a judge's rubric fits well within it. */
    static final int MAX_CONFIG_LENGTH = 100_000;

    private final EvaluatorRepository evaluators;
    private final EvaluatorKinds kinds;
    private final JsonMapper json;
    private final ConfiguredScorers scorers = new ConfiguredScorers(ConfiguredScorers.MAX_ENTRIES);

    EvaluatorService(EvaluatorRepository evaluators, EvaluatorKinds kinds, JsonMapper json) {
        this.evaluators = evaluators;
        this.kinds = kinds;
        this.json = json;
    }

    /** Creates an evaluator at version 1 with the configuration, once its kind has accepted it. */
    @Transactional
    public Evaluator create(Caller caller, String name, String description, String type, JsonNode config) {
        EvaluatorKind kind =
                kinds.find(type).orElseThrow(() -> PromptlineException.invalidField("#/type", unknownType(type)));
        check(kind, caller.organizationId(), config);
        EvaluatorId id = evaluators.insert(caller.organizationId(), name, description, type, caller.userId());
        evaluators.insertVersion(caller.organizationId(), id, 1, type, config, caller.userId());
        return find(caller.organizationId(), id);
    }

    /**
     * Adds version n+1 with a new configuration of the evaluator's type. With {@code baseVersion}, n must be it (a
     * stale one is a 409, as for prompts and datasets).
     */
    @Transactional
    public EvaluatorVersion addVersion(Caller caller, EvaluatorId id, JsonNode config, @Nullable Integer baseVersion) {
        var latest = evaluators.lockLatest(caller.organizationId(), id).orElseThrow(() -> notFound(id));
        if (baseVersion != null && baseVersion != latest.version()) {
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT,
                    "baseVersion is %d but the evaluator is at version %d; read it and apply your change again."
                            .formatted(baseVersion, latest.version()));
        }
        check(kind(latest.type()), caller.organizationId(), config);
        return evaluators.insertVersion(
                caller.organizationId(), id, latest.version() + 1, latest.type(), config, caller.userId());
    }

    public Evaluator get(OrganizationId organizationId, EvaluatorId id) {
        return find(organizationId, id);
    }

    public Page<Evaluator> list(
            OrganizationId organizationId,
            @Nullable String namePrefix,
            @Nullable String type,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                evaluators.list(organizationId, namePrefix, type, Cursor.decode(pageToken), size + 1),
                size,
                evaluator -> new Cursor(evaluator.createdAt(), evaluator.id().value()));
    }

    /** Deletes the evaluator, its versions and every score they gave. */
    @Transactional
    public void delete(Caller caller, EvaluatorId id) {
        if (!evaluators.delete(caller.organizationId(), id)) {
            throw notFound(id);
        }
    }

    /** Versions newest first; the page token is the number below which the next page starts. */
    public Page<EvaluatorVersion> versions(
            OrganizationId organizationId, EvaluatorId id, @Nullable String pageToken, @Nullable Integer pageSize) {
        find(organizationId, id);
        int size = Cursor.pageSize(pageSize);
        Integer before = pageToken == null ? null : parseToken(pageToken);
        List<EvaluatorVersion> rows = evaluators.listVersions(organizationId, id, before, size + 1);
        if (rows.size() <= size) {
            return new Page<>(rows, null);
        }
        List<EvaluatorVersion> items = rows.subList(0, size);
        return new Page<>(items, String.valueOf(items.getLast().version()));
    }

    /** One version of an evaluator; {@code null} means the newest. */
    public EvaluatorVersion version(OrganizationId organizationId, EvaluatorId id, @Nullable Integer version) {
        Evaluator evaluator = find(organizationId, id);
        if (version == null) {
            return evaluator.latest();
        }
        return evaluators.findVersion(organizationId, id, version).orElseThrow(() -> noVersion(version));
    }

    /**
     * The evaluator at that version (latest when null), configured: what an experiment scores with. Unknown in the
     * organization is a 404; a type this service does not run (its module is not deployed) or a configuration that no
     * longer works (a judge whose rubric prompt was deleted) is a 422 {@code EVALUATOR_UNAVAILABLE}. The version is
     * read each time (it may have been deleted), but configured only once per process ({@link ConfiguredScorers}).
     */
    public ConfiguredEvaluator configured(OrganizationId organizationId, EvaluatorId id, @Nullable Integer version) {
        var named = evaluators.findNamedVersion(organizationId, id, version).orElse(null);
        if (named == null) {
            find(organizationId, id); // a 404 for the evaluator itself comes first
            throw noVersion(version == null ? 0 : version);
        }
        EvaluatorVersion pinned = named.version();
        EvaluatorKind kind = kinds.find(pinned.type())
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.EVALUATOR_UNAVAILABLE,
                        "Evaluator '%s' is of type '%s', which this service does not run."
                                .formatted(named.name(), pinned.type())));
        Scorer scorer;
        try {
            scorer = scorers.scorer(kind, organizationId, pinned);
        } catch (InvalidEvaluatorConfigException e) {
            throw new PromptlineException(
                    ErrorCode.EVALUATOR_UNAVAILABLE,
                    "Version %d of evaluator '%s' no longer works: %s: %s"
                            .formatted(pinned.version(), named.name(), e.field(), e.getMessage()),
                    e);
        }
        return new ConfiguredEvaluator(id, pinned.id(), named.name(), pinned.version(), pinned.type(), scorer);
    }

    /** Scores a subject with the evaluator at that version (latest when null), storing nothing: a dry run. */
    public Verdict tryOut(OrganizationId organizationId, EvaluatorId id, @Nullable Integer version, Subject subject) {
        return configured(organizationId, id, version).scorer().score(subject);
    }

    private EvaluatorKind kind(String type) {
        return kinds.find(type)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.EVALUATOR_UNAVAILABLE,
                        "This evaluator is of type '%s', which this service does not run.".formatted(type)));
    }

    private void check(EvaluatorKind kind, OrganizationId organizationId, JsonNode config) {
        if (!config.isObject()) {
            throw PromptlineException.invalidField("#/config", "must be an object");
        }
        if (json.writeValueAsString(config).length() > MAX_CONFIG_LENGTH) {
            throw PromptlineException.invalidField(
                    "#/config", "must be at most %,d characters as JSON".formatted(MAX_CONFIG_LENGTH));
        }
        try {
            kind.configure(organizationId, config);
        } catch (InvalidEvaluatorConfigException e) {
            throw PromptlineException.invalidField(pointer(e.field()), e.getMessage());
        }
    }

    /** {@code config.values.0} as the JSON Pointer the rest of the API names fields with: {@code #/config/values/0}. */
    static String pointer(String field) {
        return "#/" + field.replace('.', '/');
    }

    private String unknownType(String type) {
        return "unknown evaluator type '%s'; this service runs %s".formatted(type, String.join(", ", kinds.types()));
    }

    private Evaluator find(OrganizationId organizationId, EvaluatorId id) {
        return evaluators.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    private static int parseToken(String token) {
        try {
            int value = Integer.parseInt(token);
            if (value < 1) {
                throw new NumberFormatException(token);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new PromptlineException(ErrorCode.INVALID_PARAMETER, "pageToken is not a token this API returned.");
        }
    }

    private static PromptlineException noVersion(int version) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "The evaluator has no version %d.".formatted(version));
    }

    static PromptlineException notFound(EvaluatorId id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No evaluator %s in this organization.".formatted(id));
    }
}
