package dev.promptline.api.leaderboards;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Benchmarks and their leaderboards. */
@RestController
@RequestMapping("/api/v1/benchmarks")
@Validated
class BenchmarkController {
    private final BenchmarkService benchmarks;

    BenchmarkController(BenchmarkService benchmarks) {
        this.benchmarks = benchmarks;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<BenchmarkResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateBenchmarkRequest request) {
        Benchmark benchmark = benchmarks.create(
                caller,
                request.name().strip(),
                request.description() == null ? "" : request.description(),
                new DatasetId(request.datasetId()),
                request.datasetVersion(),
                request.metrics().stream()
                        .map(metric -> new BenchmarkService.MetricRequest(
                                metric.evaluatorId(), metric.version(), Direction.fromValue(metric.direction())))
                        .toList(),
                request.rankBy());
        return ResponseEntity.created(URI.create("/api/v1/benchmarks/" + benchmark.id()))
                .body(BenchmarkResponse.from(benchmark));
    }

    @GetMapping
    Page<BenchmarkResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return benchmarks.list(caller, pageToken, pageSize).map(BenchmarkResponse::from);
    }

    @GetMapping("/{benchmarkId}")
    BenchmarkResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID benchmarkId) {
        return BenchmarkResponse.from(benchmarks.get(caller.organizationId(), new BenchmarkId(benchmarkId)));
    }

    @DeleteMapping("/{benchmarkId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID benchmarkId) {
        benchmarks.delete(caller, new BenchmarkId(benchmarkId));
        return ResponseEntity.noContent().build();
    }

    /**
     * Every prompt version x model that ran on the benchmark, best first by {@code metric} (an evaluator id; the
     * benchmark's {@code rankBy} when absent).
     */
    @GetMapping("/{benchmarkId}/leaderboard")
    LeaderboardResponse leaderboard(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID benchmarkId,
            @RequestParam(required = false) @Nullable UUID metric,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return LeaderboardResponse.from(
                benchmarks.leaderboard(caller.organizationId(), new BenchmarkId(benchmarkId), metric, limit));
    }

    record CreateBenchmarkRequest(
            @NotBlank @Size(max = 255) String name,
            @Nullable @Size(max = 10_000) String description,
            @NotNull UUID datasetId,
            @NotNull @Min(1) Integer datasetVersion,

            @NotEmpty @Size(max = BenchmarkService.MAX_METRICS)
            List<@Valid @NotNull MetricRequest> metrics,

            @Nullable UUID rankBy) {}

    /**
     * @param version the evaluator's version to pin; its newest when absent
     * @param direction {@code higher} or {@code lower}: which way the metric gets better
     */
    record MetricRequest(
            @NotNull UUID evaluatorId,
            @Nullable @Min(1) Integer version,
            @NotNull @Pattern(regexp = "higher|lower") String direction) {}

    record MetricResponse(UUID evaluatorId, int evaluatorVersion, String direction) {}

    record BenchmarkResponse(
            UUID id,
            String name,
            String description,
            UUID datasetId,
            int datasetVersion,
            List<MetricResponse> metrics,
            UUID rankBy,
            Instant createdAt) {
        static BenchmarkResponse from(Benchmark benchmark) {
            return new BenchmarkResponse(
                    benchmark.id().value(),
                    benchmark.name(),
                    benchmark.description(),
                    benchmark.datasetId().value(),
                    benchmark.datasetVersion(),
                    benchmark.metrics().stream()
                            .map(metric -> new MetricResponse(
                                    metric.evaluatorId(),
                                    metric.evaluatorVersion(),
                                    metric.direction().value()))
                            .toList(),
                    benchmark.rankBy(),
                    benchmark.createdAt());
        }
    }

    /**
     * @param stale true when one of the benchmark's evaluators scored this entry at another version than the
     *     benchmark pins (or not at all): shown, never the basis of a label gate
     */
    record RowResponse(
            int rank,
            UUID promptId,
            int promptVersion,
            UUID promptVersionId,
            UUID modelId,
            UUID experimentId,
            boolean stale,
            Map<UUID, MetricFigures> metrics,
            int items,
            @Nullable BigDecimal costPerItemUsd,
            @Nullable Integer latencyP50Ms,
            @Nullable Integer latencyP95Ms,
            Instant finishedAt) {}

    record LeaderboardResponse(BenchmarkResponse benchmark, UUID rankedBy, List<RowResponse> rows) {
        static LeaderboardResponse from(BenchmarkService.Leaderboard board) {
            return new LeaderboardResponse(
                    BenchmarkResponse.from(board.benchmark()),
                    board.rankedBy(),
                    board.rows().stream()
                            .map(row -> {
                                LeaderboardEntry entry = row.entry();
                                return new RowResponse(
                                        row.rank(),
                                        entry.promptId(),
                                        entry.promptVersion(),
                                        entry.promptVersionId(),
                                        entry.modelId(),
                                        entry.experimentId(),
                                        row.stale(),
                                        entry.metrics(),
                                        entry.items(),
                                        entry.costPerItemUsd(),
                                        entry.latencyP50Ms(),
                                        entry.latencyP95Ms(),
                                        entry.finishedAt());
                            })
                            .toList());
        }
    }
}
