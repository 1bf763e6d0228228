package dev.promptline.api.prompts;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.cache.CacheInvalidation;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Prompts, their immutable versions and their labels; the module's API for executions and evaluations. */
@Service
public class PromptService {
    private final PromptRepository prompts;
    private final ModelService models;
    private final CacheInvalidation caches;
    /** Asked lazily: the gate's owner reads prompts too, so resolving it while this service is built is a cycle. */
    private final ObjectProvider<LabelGate> gate;
    /** Asked lazily for the same reason: the executions module depends on this one. */
    private final ObjectProvider<SplitFigures> splitFigures;

    private final TemplateEngine templates = new TemplateEngine();

    PromptService(
            PromptRepository prompts,
            ModelService models,
            CacheInvalidation caches,
            ObjectProvider<LabelGate> gate,
            ObjectProvider<SplitFigures> splitFigures) {
        this.prompts = prompts;
        this.models = models;
        this.caches = caches;
        this.gate = gate;
        this.splitFigures = splitFigures;
    }

    /**
     * The content of a new version, as the caller writes it.
     *
     * @param fallbackModelIds models to fall back to, in order; empty for none
     * @param cacheTtl how long its executions' answers are kept and served again; null for not at all
     */
    public record Draft(
            PromptTemplate template,
            @Nullable UUID modelId,
            @Nullable ModelParameters parameters,
            List<UUID> fallbackModelIds,
            @Nullable Duration cacheTtl,
            String commitMessage) {
        public Draft {
            fallbackModelIds = List.copyOf(fallbackModelIds);
        }
    }

    /** More fallbacks than this only delay an answer that will not come (the runtime's own limit). */
    public static final int MAX_FALLBACK_MODELS = 5;

    /** The longest an answer is kept by the response cache: past a month, a model's answers tend to change. */
    public static final Duration MAX_CACHE_TTL = Duration.ofDays(30);

    /** Which version to read: a number, a label, or (both null) the newest. */
    public record Selector(
            @Nullable Integer version, @Nullable String label) {}

    /**
     * A prompt and one of its versions.
     *
     * @param route the label the version was read through, and the split that picked it; null when it was read by
     *     number or as the newest
     */
    public record Resolved(
            Prompt prompt, PromptVersion version, @Nullable LabelRoute route) {
        public Resolved(Prompt prompt, PromptVersion version) {
            this(prompt, version, null);
        }
    }

    @Transactional
    public Resolved create(Caller caller, String name, String description, List<String> tags, Draft draft) {
        PromptId id = prompts.insert(caller.organizationId(), name, description, tags, caller.userId());
        PromptVersion version = insertVersion(caller, id, 1, draft);
        return new Resolved(prompts.findFresh(caller.organizationId(), id).orElseThrow(() -> notFound(id)), version);
    }

    /**
     * Adds version n+1. {@code baseVersion} is the version the caller edited: if someone else has added a version
     * since, this is a 409 rather than a silent overwrite of their change.
     */
    @Transactional
    public PromptVersion addVersion(Caller caller, PromptId id, int baseVersion, Draft draft) {
        int latest = prompts.lockLatestVersion(caller.organizationId(), id).orElseThrow(() -> notFound(id));
        if (baseVersion != latest) {
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT,
                    "baseVersion is %d but the prompt is at version %d; fetch it and apply your change again."
                            .formatted(baseVersion, latest));
        }
        PromptVersion version = insertVersion(caller, id, latest + 1, draft);
        evict(caller.organizationId(), id);
        return version;
    }

    public Resolved get(Caller caller, PromptId id, Selector selector) {
        return get(caller.organizationId(), id, selector);
    }

    /** A prompt's version for the service's own work (an execution planned without an HTTP caller). */
    public Resolved get(OrganizationId organizationId, PromptId id, Selector selector) {
        Prompt prompt = find(organizationId, id);
        return new Resolved(prompt, version(organizationId, prompt, selector));
    }

    /**
     * The version an execution runs: as {@link #get}, except that a label with a traffic split sends it to one of the
     * split's versions, picked by weight: the same one every time for the same {@code splitKey}, at random without
     * one. The answer names the label and the split.
     */
    public Resolved route(OrganizationId organizationId, PromptId id, Selector selector, @Nullable String splitKey) {
        Prompt prompt = find(organizationId, id);
        LabelSplit split = selector.label() == null ? null : prompt.splits().get(selector.label());
        if (split == null || selector.version() != null) {
            return new Resolved(prompt, version(organizationId, prompt, selector), route(selector));
        }
        int version = split.pick(id, splitKey, ThreadLocalRandom.current()).version();
        PromptVersion picked = prompts.findVersion(organizationId, id, version)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "The prompt has no version %d.".formatted(version)));
        return new Resolved(prompt, picked, new LabelRoute(split.label(), split.id()));
    }

    private static @Nullable LabelRoute route(Selector selector) {
        return selector.label() == null || selector.version() != null ? null : new LabelRoute(selector.label(), null);
    }

    public Resolved getByName(Caller caller, String name, Selector selector) {
        Prompt prompt = prompts.findIdByName(caller.organizationId(), name)
                .flatMap(id -> prompts.find(caller.organizationId(), id))
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "No prompt named '%s' in this organization.".formatted(name)));
        return new Resolved(prompt, version(caller.organizationId(), prompt, selector));
    }

    public Page<Prompt> list(
            Caller caller,
            @Nullable String namePrefix,
            @Nullable String tag,
            @Nullable String label,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                prompts.list(caller.organizationId(), namePrefix, tag, label, Cursor.decode(pageToken), size + 1),
                size,
                prompt -> new Cursor(prompt.createdAt(), prompt.id().value()));
    }

    /** Versions newest first; the page token is the number below which the next page starts. */
    public Page<PromptVersion> versions(
            Caller caller, PromptId id, @Nullable String pageToken, @Nullable Integer pageSize) {
        find(caller.organizationId(), id);
        int size = Cursor.pageSize(pageSize);
        Integer before = pageToken == null ? null : parseVersionToken(pageToken);
        List<PromptVersion> rows = prompts.listVersions(caller.organizationId(), id, before, size + 1);
        if (rows.size() <= size) {
            return new Page<>(rows, null);
        }
        List<PromptVersion> items = rows.subList(0, size);
        return new Page<>(items, String.valueOf(items.getLast().version()));
    }

    @Transactional
    public Prompt update(Caller caller, PromptId id, @Nullable String description, @Nullable List<String> tags) {
        Prompt prompt = find(caller.organizationId(), id);
        prompts.update(
                caller.organizationId(),
                id,
                description == null ? prompt.description() : description,
                tags == null ? prompt.tags() : tags);
        evict(caller.organizationId(), id);
        return prompts.findFresh(caller.organizationId(), id).orElseThrow(() -> notFound(id));
    }

    @Transactional
    public void delete(Caller caller, PromptId id) {
        Prompt prompt = find(caller.organizationId(), id);
        prompts.delete(caller.organizationId(), id);
        evict(caller.organizationId(), id);
        caches.evictAfterCommit(
                PromptCaches.PROMPT_IDS,
                PromptCaches.key(caller.organizationId().value(), prompt.name()));
    }

    /**
     * Points a label at a version (how a team promotes a version or rolls back), if the label's policy allows it. A
     * refused move is a 409 with the policy's figures, unless an owner gives a reason to override it; every move is
     * kept with its verdict. A move ends the label's traffic split, if it had one: promoting the arm that won sends it
     * all the traffic.
     *
     * @param overrideReason why an owner moves the label against its policy; ignored when the policy allows the move
     */
    @Transactional
    public Prompt setLabel(Caller caller, PromptId id, String label, int version, @Nullable String overrideReason) {
        OrganizationId organizationId = caller.organizationId();
        lock(organizationId, id);
        Prompt prompt = prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
        Integer from = prompt.labels().get(label);
        PromptVersion candidate = prompts.findVersion(organizationId, id, version)
                .orElseThrow(
                        () -> PromptlineException.invalidField("#/version", "this prompt has no version " + version));
        LabelSplit split = prompt.splits().get(label);
        if (split != null) {
            prompts.deleteSplit(organizationId, id, label);
        }
        if (from != null && from == version) {
            if (split != null) {
                // Where the label already points: all its traffic goes there again, as when the split is removed.
                prompts.recordMove(
                        organizationId,
                        id,
                        label,
                        from,
                        from,
                        caller.userId(),
                        null,
                        null,
                        LabelMove.Kind.UNSPLIT,
                        splitRecord(split.id(), split.arms()));
                evict(organizationId, id);
            }
            return prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
        }
        PromptVersion current = from == null
                ? null
                : prompts.findVersion(organizationId, id, from).orElse(null);
        LabelGate policy = gate.getIfAvailable();
        GateVerdict verdict = policy == null
                ? new GateVerdict.NoPolicy()
                : policy.check(organizationId, id, label, current, candidate);
        String overridden = null;
        if (verdict instanceof GateVerdict.Refused refused) {
            if (overrideReason == null || overrideReason.isBlank()) {
                throw new PromptlineException(
                                ErrorCode.LABEL_POLICY_REFUSED,
                                "The label '%s' cannot move to version %d: %s An owner may override with a reason."
                                        .formatted(label, version, refused.reason()))
                        .with("gate", refused.figures());
            }
            if (caller.role() != Role.OWNER) {
                throw new PromptlineException(
                        ErrorCode.FORBIDDEN, "Only an owner may move a label against its policy.");
            }
            overridden = overrideReason.strip();
        }
        prompts.setLabel(organizationId, id, label, version, caller.userId());
        prompts.recordMove(organizationId, id, label, from, version, caller.userId(), gateRecord(verdict), overridden);
        evict(organizationId, id);
        return prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
    }

    @Transactional
    public Prompt deleteLabel(Caller caller, PromptId id, String label) {
        OrganizationId organizationId = caller.organizationId();
        lock(organizationId, id);
        Integer from = prompts.findFresh(organizationId, id)
                .orElseThrow(() -> notFound(id))
                .labels()
                .get(label);
        if (from == null || !prompts.deleteLabel(organizationId, id, label)) {
            throw new PromptlineException(
                    ErrorCode.RESOURCE_NOT_FOUND, "The prompt has no label '%s'.".formatted(label));
        }
        prompts.recordMove(organizationId, id, label, from, null, caller.userId(), null, null);
        evict(organizationId, id);
        return prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
    }

    /**
     * Splits a label's traffic between versions by weight, in place of any split it had (a new split, with a new id).
     * The label keeps pointing at its own version, which it goes back to when the split is removed. Each arm's version
     * must pass the label's policy as a move to it would (the label's own version passes as it is): a split sends real
     * traffic to its arms, so it must not be a way around the policy. A refusal is a 409 naming the arm, unless an
     * owner gives a reason to override it, as for a move. The change is kept in the label's history.
     */
    @Transactional
    public LabelSplit setSplit(
            Caller caller, PromptId id, String label, List<LabelSplit.Arm> arms, @Nullable String overrideReason) {
        OrganizationId organizationId = caller.organizationId();
        lock(organizationId, id);
        Prompt prompt = prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
        Integer own = prompt.labels().get(label);
        if (own == null) {
            throw new PromptlineException(
                    ErrorCode.RESOURCE_NOT_FOUND,
                    "The prompt has no label '%s'; point it at a version first (the split's fallback when it is removed)."
                            .formatted(label));
        }
        PromptVersion current = prompts.findVersion(organizationId, id, own).orElse(null);
        LabelGate policy = gate.getIfAvailable();
        var verdicts = new LinkedHashMap<String, Object>();
        String overridden = null;
        for (int i = 0; i < arms.size(); i++) {
            LabelSplit.Arm arm = arms.get(i);
            if (arm.version() == own) {
                continue;
            }
            PromptVersion candidate =
                    prompts.findVersion(organizationId, id, arm.version()).orElseThrow();
            GateVerdict verdict = policy == null
                    ? new GateVerdict.NoPolicy()
                    : policy.check(organizationId, id, label, current, candidate);
            if (verdict instanceof GateVerdict.Refused refused) {
                if (overrideReason == null || overrideReason.isBlank()) {
                    throw new PromptlineException(
                                    ErrorCode.LABEL_POLICY_REFUSED,
                                    "The label '%s' cannot send traffic to version %d (arms/%d): %s An owner may override with a reason."
                                            .formatted(label, arm.version(), i, refused.reason()))
                            .with("gate", refused.figures())
                            .with("arm", i);
                }
                if (caller.role() != Role.OWNER) {
                    throw new PromptlineException(
                            ErrorCode.FORBIDDEN, "Only an owner may split a label's traffic against its policy.");
                }
                overridden = overrideReason.strip();
            }
            Map<String, Object> record = gateRecord(verdict);
            if (record != null) {
                verdicts.put(String.valueOf(arm.version()), record);
            }
        }
        UUID splitId = prompts.replaceSplit(organizationId, id, label, arms, caller.userId());
        prompts.recordMove(
                organizationId,
                id,
                label,
                own,
                own,
                caller.userId(),
                verdicts.isEmpty() ? null : Map.of("arms", verdicts),
                overridden,
                LabelMove.Kind.SPLIT,
                splitRecord(splitId, arms));
        evict(organizationId, id);
        return prompts.findFresh(organizationId, id)
                .orElseThrow(() -> notFound(id))
                .splits()
                .get(label);
    }

    /** Checks a split's arms as the caller wrote them: each mistake is a 400 naming its field, and nothing changes. */
    public List<LabelSplit.Arm> arms(Caller caller, PromptId id, @Nullable List<ArmDraft> drafts) {
        if (drafts == null || drafts.size() < 2 || drafts.size() > LabelSplit.MAX_ARMS) {
            throw PromptlineException.invalidField(
                    "#/arms",
                    "must hold 2 to %d arms (to send all traffic to one version, move the label)"
                            .formatted(LabelSplit.MAX_ARMS));
        }
        int latest = find(caller.organizationId(), id).latestVersion();
        var arms = new ArrayList<LabelSplit.Arm>();
        var seen = new HashSet<Integer>();
        for (int i = 0; i < drafts.size(); i++) {
            ArmDraft draft = drafts.get(i);
            String pointer = "#/arms/" + i;
            if (draft == null) {
                throw PromptlineException.invalidField(pointer, "must be an object with a version and a weight");
            }
            if (draft.version() == null || draft.version() < 1 || draft.version() > latest) {
                throw PromptlineException.invalidField(
                        pointer + "/version",
                        draft.version() == null ? "is required" : "this prompt has no version " + draft.version());
            }
            if (!seen.add(draft.version())) {
                throw PromptlineException.invalidField(pointer + "/version", "names a version already in the split");
            }
            if (draft.weight() == null || draft.weight() < 1 || draft.weight() > LabelSplit.MAX_WEIGHT) {
                throw PromptlineException.invalidField(
                        pointer + "/weight", "must be a whole number from 1 to " + LabelSplit.MAX_WEIGHT);
            }
            arms.add(new LabelSplit.Arm(draft.version(), draft.weight()));
        }
        return arms;
    }

    /** An arm as the caller wrote it, before it is checked. */
    public record ArmDraft(
            @Nullable Integer version, @Nullable Integer weight) {}

    /** Ends a label's traffic split: its executions run the label's own version again. */
    @Transactional
    public Prompt removeSplit(Caller caller, PromptId id, String label) {
        OrganizationId organizationId = caller.organizationId();
        lock(organizationId, id);
        Prompt prompt = prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
        LabelSplit split = prompt.splits().get(label);
        if (split == null || !prompts.deleteSplit(organizationId, id, label)) {
            throw new PromptlineException(
                    ErrorCode.RESOURCE_NOT_FOUND, "The label '%s' has no traffic split.".formatted(label));
        }
        int own = prompt.labels().get(label);
        prompts.recordMove(
                organizationId,
                id,
                label,
                own,
                own,
                caller.userId(),
                null,
                null,
                LabelMove.Kind.UNSPLIT,
                splitRecord(split.id(), split.arms()));
        evict(organizationId, id);
        return prompts.findFresh(organizationId, id).orElseThrow(() -> notFound(id));
    }

    /** A label's split with how each arm has done so far (by version number; absent before an arm's first run). */
    public record SplitReadout(LabelSplit split, int labelVersion, Map<Integer, SplitFigures.ArmFigures> figures) {}

    public SplitReadout split(Caller caller, PromptId id, String label) {
        Prompt prompt = find(caller.organizationId(), id);
        LabelSplit split = prompt.splits().get(label);
        if (split == null) {
            throw new PromptlineException(
                    ErrorCode.RESOURCE_NOT_FOUND, "The label '%s' has no traffic split.".formatted(label));
        }
        SplitFigures source = splitFigures.getIfAvailable();
        return new SplitReadout(
                split,
                prompt.labels().get(label),
                source == null ? Map.of() : source.of(caller.organizationId(), split.id()));
    }

    private static Map<String, Object> splitRecord(UUID splitId, List<LabelSplit.Arm> arms) {
        var record = new LinkedHashMap<String, Object>();
        record.put("id", splitId.toString());
        record.put(
                "arms",
                arms.stream()
                        .map(arm -> Map.of("version", arm.version(), "weight", arm.weight()))
                        .toList());
        return record;
    }

    /** A label's moves, newest first. */
    public Page<LabelMove> labelMoves(
            Caller caller, PromptId id, String label, @Nullable String pageToken, @Nullable Integer pageSize) {
        find(caller.organizationId(), id);
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                prompts.listMoves(caller.organizationId(), id, label, Cursor.decode(pageToken), size + 1),
                size,
                move -> new Cursor(move.movedAt(), move.id()));
    }

    /** Locks the prompt: two moves of its labels are judged and recorded one after the other. */
    private void lock(OrganizationId organizationId, PromptId id) {
        if (prompts.lockLatestVersion(organizationId, id).isEmpty()) {
            throw notFound(id);
        }
    }

    private static @Nullable Map<String, Object> gateRecord(GateVerdict verdict) {
        return switch (verdict) {
            case GateVerdict.NoPolicy none -> null;
            case GateVerdict.Passed passed -> withVerdict("passed", null, passed.figures());
            case GateVerdict.Refused refused -> withVerdict("refused", refused.reason(), refused.figures());
        };
    }

    private static Map<String, Object> withVerdict(
            String verdict, @Nullable String reason, Map<String, Object> figures) {
        var record = new LinkedHashMap<String, Object>();
        record.put("verdict", verdict);
        if (reason != null) {
            record.put("reason", reason);
        }
        record.putAll(figures);
        return record;
    }

    /** Renders a version with the caller's variables, without calling any model. */
    public List<ChatMessage> render(PromptVersion version, Map<String, String> variables) {
        return templates.render(version.template(), version.variables(), variables);
    }

    private PromptVersion insertVersion(Caller caller, PromptId id, int number, Draft draft) {
        List<String> variables = templates.variables(draft.template(), "#/template");
        if (draft.modelId() != null) {
            Model model = models.find(caller.organizationId(), new ModelId(draft.modelId()))
                    .orElseThrow(
                            () -> PromptlineException.invalidField("#/modelId", "is not a model of this organization"));
            if (!model.enabled()) {
                throw PromptlineException.invalidField("#/modelId", "is disabled");
            }
        }
        Duration cacheTtl = draft.cacheTtl();
        if (cacheTtl != null && (cacheTtl.toSeconds() < 1 || cacheTtl.compareTo(MAX_CACHE_TTL) > 0)) {
            throw PromptlineException.invalidField(
                    "#/cacheTtl", "must be between 1s and %ds (30 days)".formatted(MAX_CACHE_TTL.toSeconds()));
        }
        var fallbacks = draft.fallbackModelIds();
        if (fallbacks.size() > MAX_FALLBACK_MODELS) {
            throw PromptlineException.invalidField(
                    "#/fallbackModelIds", "holds at most %d models".formatted(MAX_FALLBACK_MODELS));
        }
        for (int i = 0; i < fallbacks.size(); i++) {
            String pointer = "#/fallbackModelIds/" + i;
            UUID fallback = fallbacks.get(i);
            if (fallback.equals(draft.modelId()) || fallbacks.indexOf(fallback) != i) {
                throw PromptlineException.invalidField(pointer, "names a model already in the list");
            }
            Model model = models.find(caller.organizationId(), new ModelId(fallback))
                    .orElseThrow(
                            () -> PromptlineException.invalidField(pointer, "is not a model of this organization"));
            if (!model.enabled()) {
                throw PromptlineException.invalidField(pointer, "is disabled");
            }
        }
        return prompts.insertVersion(
                caller.organizationId(),
                id,
                number,
                draft.template(),
                variables,
                draft.modelId(),
                draft.parameters() == null ? ModelParameters.NONE : draft.parameters(),
                fallbacks,
                draft.cacheTtl(),
                draft.commitMessage(),
                caller.userId());
    }

    private Prompt find(OrganizationId organizationId, PromptId id) {
        return prompts.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    private PromptVersion version(OrganizationId organizationId, Prompt prompt, Selector selector) {
        if (selector.version() != null && selector.label() != null) {
            throw new PromptlineException(ErrorCode.INVALID_PARAMETER, "Give either version or label, not both.");
        }
        Integer labelled = selector.label() == null ? null : prompt.labels().get(selector.label());
        if (selector.label() != null && labelled == null) {
            throw new PromptlineException(
                    ErrorCode.RESOURCE_NOT_FOUND, "The prompt has no label '%s'.".formatted(selector.label()));
        }
        int number =
                labelled != null ? labelled : selector.version() == null ? prompt.latestVersion() : selector.version();
        return prompts.findVersion(organizationId, prompt.id(), number)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "The prompt has no version %d.".formatted(number)));
    }

    /** After the transaction commits, the cached prompt (its labels, its newest version) is dropped. */
    private void evict(OrganizationId organizationId, PromptId id) {
        caches.evictAfterCommit(PromptCaches.PROMPTS, PromptCaches.key(organizationId.value(), id.value()));
    }

    private static int parseVersionToken(String token) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new PromptlineException(ErrorCode.INVALID_PARAMETER, "pageToken is not a token this API returned.");
        }
    }

    static PromptlineException notFound(PromptId id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No prompt %s in this organization.".formatted(id));
    }
}
