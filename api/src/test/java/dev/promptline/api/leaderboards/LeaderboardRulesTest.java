package dev.promptline.api.leaderboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaderboardRulesTest {
    private static final UUID ACCURACY = UUID.randomUUID();
    private static final UUID DISTANCE = UUID.randomUUID();
    private static final Benchmark BENCHMARK = new Benchmark(
            new BenchmarkId(UUID.randomUUID()),
            new OrganizationId(UUID.randomUUID()),
            "triage",
            "",
            new DatasetId(UUID.randomUUID()),
            3,
            List.of(
                    new Benchmark.Metric(ACCURACY, 2, Direction.HIGHER),
                    new Benchmark.Metric(DISTANCE, 1, Direction.LOWER)),
            ACCURACY,
            Instant.now());

    @Test
    void aThresholdIsReachedInTheMetricsDirection() {
        assertThat(Direction.HIGHER.reaches(0.8, 0.8)).isTrue();
        assertThat(Direction.HIGHER.reaches(0.79, 0.8)).isFalse();
        assertThat(Direction.LOWER.reaches(0.2, 0.2)).isTrue();
        assertThat(Direction.LOWER.reaches(0.21, 0.2)).isFalse();
    }

    @Test
    void anImprovementIsPositiveWhenBetterWhicheverWayBetterIs() {
        assertThat(Direction.HIGHER.improvement(0.9, 0.8)).isCloseTo(0.1, within());
        assertThat(Direction.LOWER.improvement(0.1, 0.3)).isCloseTo(0.2, within());
        assertThat(Direction.LOWER.improvement(0.3, 0.1)).isCloseTo(-0.2, within());
    }

    @Test
    void theBestEntryHasTheHighestRankScoreAndUnscoredEntriesComeLast() {
        var good = entry(Map.of(ACCURACY, figures(2, 0.9), DISTANCE, figures(1, 0.1)));
        var poor = entry(Map.of(ACCURACY, figures(2, 0.5), DISTANCE, figures(1, 0.4)));
        var unscored = entry(Map.of());
        var accuracy = BENCHMARK.metric(ACCURACY).orElseThrow();
        var distance = BENCHMARK.metric(DISTANCE).orElseThrow();

        assertThat(LeaderboardCache.rankScore(good, accuracy))
                .isGreaterThan(LeaderboardCache.rankScore(poor, accuracy));
        assertThat(LeaderboardCache.rankScore(good, distance))
                .isGreaterThan(LeaderboardCache.rankScore(poor, distance));
        assertThat(LeaderboardCache.rankScore(unscored, distance))
                .isLessThan(LeaderboardCache.rankScore(poor, distance));
    }

    @Test
    void anEntryIsStaleWhenAnEvaluatorScoredItAtAnotherVersionOrNotAtAll() {
        assertThat(entry(Map.of(ACCURACY, figures(2, 0.9), DISTANCE, figures(1, 0.1)))
                        .staleFor(BENCHMARK))
                .isFalse();
        assertThat(entry(Map.of(ACCURACY, figures(1, 0.9), DISTANCE, figures(1, 0.1)))
                        .staleFor(BENCHMARK))
                .as("an older evaluator version")
                .isTrue();
        assertThat(entry(Map.of(ACCURACY, figures(2, 0.9))).staleFor(BENCHMARK))
                .as("a metric missing")
                .isTrue();
    }

    private static LeaderboardEntry entry(Map<UUID, MetricFigures> metrics) {
        return new LeaderboardEntry(
                UUID.randomUUID(),
                UUID.randomUUID(),
                1,
                UUID.randomUUID(),
                UUID.randomUUID(),
                metrics,
                3,
                null,
                null,
                null,
                Instant.now());
    }

    private static MetricFigures figures(int version, double mean) {
        return new MetricFigures(version, mean, 0.1, mean - 0.05, mean + 0.05, 3, null, 0);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
