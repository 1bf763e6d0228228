package dev.promptline.api.leaderboards;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.platform.database.AfterCommit;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Benchmarks and their leaderboards; the module's API. */
@Service
public class BenchmarkService {
    static final int MAX_METRICS = 20;

    private final BenchmarkRepository benchmarks;
    private final LeaderboardCache cache;
    private final DatasetService datasets;
    private final EvaluatorService evaluators;
    private final ObjectProvider<ExperimentResults> results;

    BenchmarkService(
            BenchmarkRepository benchmarks,
            LeaderboardCache cache,
            DatasetService datasets,
            EvaluatorService evaluators,
            ObjectProvider<ExperimentResults> results) {
        this.benchmarks = benchmarks;
        this.cache = cache;
        this.datasets = datasets;
        this.evaluators = evaluators;
        this.results = results;
    }

    /** A metric as the caller asks for it: an evaluator, at a version (the newest when null), and its direction. */
    public record MetricRequest(UUID evaluatorId, @Nullable Integer version, Direction direction) {}

    /** A leaderboard: its benchmark, and its entries best first by one metric, each marked stale or not. */
    public record Leaderboard(Benchmark benchmark, UUID rankedBy, List<Row> rows) {}

    public record Row(int rank, LeaderboardEntry entry, boolean stale) {}

    @Transactional
    public Benchmark create(
            Caller caller,
            String name,
            String description,
            DatasetId datasetId,
            int datasetVersion,
            List<MetricRequest> requested,
            @Nullable UUID rankBy) {
        OrganizationId organizationId = caller.organizationId();
        requireDatasetVersion(organizationId, datasetId, datasetVersion);
        List<Benchmark.Metric> metrics = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            MetricRequest metric = requested.get(i);
            if (!seen.add(metric.evaluatorId())) {
                throw PromptlineException.invalidField(
                        "#/metrics/%d/evaluatorId".formatted(i), "names an evaluator already in the list");
            }
            int version = pinnedVersion(organizationId, metric, i);
            metrics.add(new Benchmark.Metric(metric.evaluatorId(), version, metric.direction()));
        }
        UUID ranking = rankBy == null ? metrics.getFirst().evaluatorId() : rankBy;
        if (!seen.contains(ranking)) {
            throw PromptlineException.invalidField("#/rankBy", "is not one of the benchmark's evaluators");
        }
        BenchmarkId id = benchmarks.insert(
                organizationId, name, description, datasetId, datasetVersion, metrics, ranking, caller.userId());
        Benchmark benchmark = benchmarks.find(organizationId, id).orElseThrow(() -> notFound(id));
        // Experiments that already ran on it are its first entries.
        makeUpEntries(organizationId, benchmark);
        return benchmark;
    }

    public Benchmark get(OrganizationId organizationId, BenchmarkId id) {
        return benchmarks.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    public Page<Benchmark> list(Caller caller, @Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                benchmarks.list(caller.organizationId(), Cursor.decode(pageToken), size + 1),
                size,
                benchmark -> new Cursor(benchmark.createdAt(), benchmark.id().value()));
    }

    @Transactional
    public void delete(Caller caller, BenchmarkId id) {
        Benchmark benchmark = get(caller.organizationId(), id);
        benchmarks.delete(caller.organizationId(), id);
        AfterCommit.run(() -> cache.evict(benchmark));
    }

    /**
     * The leaderboard by {@code evaluatorId} (the benchmark's ranking metric when null): from the Redis copy when it
     * has one, else from PostgreSQL (and the copy is rebuilt).
     */
    public Leaderboard leaderboard(
            OrganizationId organizationId, BenchmarkId id, @Nullable UUID evaluatorId, int limit) {
        var cached = cache.ranked(id, evaluatorId, limit).orElse(null);
        if (cached != null && cached.benchmark().organizationId().equals(organizationId)) {
            Benchmark benchmark = cached.benchmark();
            return rows(benchmark, rankingMetric(benchmark, evaluatorId), cached.entries());
        }
        Benchmark benchmark = get(organizationId, id);
        Benchmark.Metric metric = rankingMetric(benchmark, evaluatorId);
        String generation = cache.generation(id);
        // Makes up an entry missed when a replica stopped between an experiment's end and its entry.
        makeUpEntries(organizationId, benchmark);
        List<LeaderboardEntry> entries = benchmarks.entries(organizationId, id);
        cache.store(benchmark, entries, generation);
        List<LeaderboardEntry> ranked = entries.stream()
                .sorted(Comparator.comparingDouble(
                                (LeaderboardEntry entry) -> LeaderboardCache.rankScore(entry, metric))
                        .reversed()
                        .thenComparing(LeaderboardEntry::member))
                .limit(limit)
                .toList();
        return rows(benchmark, metric, ranked);
    }

    /** Records a finished experiment's figures as its prompt version x model's entry, then drops the stale copy. */
    @Transactional
    public void record(OrganizationId organizationId, Benchmark benchmark, LeaderboardEntry entry) {
        benchmarks.upsert(organizationId, benchmark.id(), entry);
        AfterCommit.run(() -> cache.evict(benchmark));
    }

    /** The benchmarks an experiment on this dataset version may count for. */
    List<Benchmark> onDatasetVersion(OrganizationId organizationId, DatasetId datasetId, int datasetVersion) {
        return benchmarks.onDatasetVersion(organizationId, datasetId, datasetVersion);
    }

    /** The benchmark's entries as PostgreSQL holds them. */
    List<LeaderboardEntry> storedEntries(OrganizationId organizationId, BenchmarkId id) {
        return benchmarks.entries(organizationId, id);
    }

    /**
     * Writes the entries of completed experiments the board does not hold yet: an experiment reads as completed a
     * moment before its end event writes its entry, and whoever judges by the entries in that moment must see it.
     */
    void makeUpEntries(OrganizationId organizationId, Benchmark benchmark) {
        results.getObject().backfill(organizationId, benchmark);
    }

    /** A prompt version's entries on the benchmark (one per model), newest first; read from PostgreSQL. */
    List<LeaderboardEntry> entriesOf(OrganizationId organizationId, BenchmarkId id, UUID promptVersionId) {
        return benchmarks.entriesOf(organizationId, id, promptVersionId);
    }

    private static Leaderboard rows(Benchmark benchmark, Benchmark.Metric metric, List<LeaderboardEntry> ranked) {
        List<Row> rows = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            rows.add(new Row(i + 1, ranked.get(i), ranked.get(i).staleFor(benchmark)));
        }
        return new Leaderboard(benchmark, metric.evaluatorId(), rows);
    }

    private static Benchmark.Metric rankingMetric(Benchmark benchmark, @Nullable UUID evaluatorId) {
        UUID wanted = evaluatorId == null ? benchmark.rankBy() : evaluatorId;
        return benchmark
                .metric(wanted)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.INVALID_PARAMETER,
                        "metric %s is not one of the benchmark's evaluators".formatted(wanted)));
    }

    private void requireDatasetVersion(OrganizationId organizationId, DatasetId datasetId, int version) {
        try {
            datasets.version(organizationId, datasetId, version);
        } catch (PromptlineException e) {
            if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                throw e;
            }
            throw PromptlineException.invalidField(
                    "#/datasetVersion",
                    "dataset %s has no version %d in this organization".formatted(datasetId, version));
        }
    }

    private int pinnedVersion(OrganizationId organizationId, MetricRequest metric, int index) {
        try {
            return evaluators
                    .version(organizationId, new EvaluatorId(metric.evaluatorId()), metric.version())
                    .version();
        } catch (PromptlineException e) {
            if (e.code() != ErrorCode.RESOURCE_NOT_FOUND) {
                throw e;
            }
            throw PromptlineException.invalidField(
                    "#/metrics/%d/evaluatorId".formatted(index),
                    "is not an evaluator (at that version) of this organization");
        }
    }

    static PromptlineException notFound(BenchmarkId id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No benchmark %s in this organization.".formatted(id));
    }
}
