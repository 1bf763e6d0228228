package dev.promptline.api.evaluations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.UUID;

/**
 * Scorers already configured, by evaluator version: a version's configuration never changes, so checking it and
 * building its scorer (compiling a JSON Schema takes about half a millisecond, a regex less) happens once per process
 * rather than once per scored item. Only kinds that are {@linkplain EvaluatorKind#reusable() reusable} are kept; the
 * others are configured at each call. A configuration that fails is not kept.
 *
 * <p>The key is the version's id, which is unique across organizations; callers have already read the version within
 * the caller's organization, so a cached scorer is never reached from another one.
 */
final class ConfiguredScorers {
    /**
     * Entries kept at most (Caffeine drops the least used first). A scorer is small (a compiled schema or pattern, a
     * few texts); this is far more versions than one replica scores at once.
     */
    static final long MAX_ENTRIES = 2_000;

    private final Cache<UUID, Scorer> scorers;

    ConfiguredScorers(long maxEntries) {
        this.scorers = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /** The version's scorer, configured by its kind on first use (or at every use when the kind is not reusable). */
    Scorer scorer(EvaluatorKind kind, OrganizationId organizationId, EvaluatorVersion version) {
        if (!kind.reusable()) {
            return kind.configure(organizationId, version.config());
        }
        return scorers.get(version.id(), id -> kind.configure(organizationId, version.config()));
    }

    /** How many scorers are kept now (a test's view; the eviction itself is Caffeine's and runs asynchronously). */
    long size() {
        scorers.cleanUp();
        return scorers.estimatedSize();
    }
}
