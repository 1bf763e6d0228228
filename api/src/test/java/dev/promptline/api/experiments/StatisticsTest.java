package dev.promptline.api.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures of summaries and comparisons against values worked out by hand or read from tables. */
class StatisticsTest {
    @Test
    void describesAMeanItsSampleDeviationAndTheStudentTInterval() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squares 32, sd = sqrt(32/7) = 2.13809; t(0.975, 7) = 2.364624.
        var description = Statistics.describe(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));

        assertThat(description).isNotNull();
        assertThat(description.mean()).isEqualTo(5.0);
        assertThat(description.standardDeviation()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
        double half = 2.364624251592785 * Math.sqrt(32.0 / 7) / Math.sqrt(8);
        assertThat(description.confidenceInterval().low()).isCloseTo(5 - half, within(1e-9));
        assertThat(description.confidenceInterval().high()).isCloseTo(5 + half, within(1e-9));
    }

    @Test
    void oneValueHasAMeanButNoSpreadAndNoneHasNothing() {
        assertThat(Statistics.describe(List.of())).isNull();
        var one = Statistics.describe(List.of(0.5));
        assertThat(one.mean()).isEqualTo(0.5);
        assertThat(one.standardDeviation()).isNull();
        assertThat(one.confidenceInterval()).isNull();
    }

    @Test
    void thePairedTestMatchesATextbookValueAndHandlesDifferencesWithoutVariance() {
        // Differences 0, -1, 0: t = -1 with 2 degrees of freedom, two-sided p = 0.42265.
        assertThat(Statistics.pairedPValue(new double[] {1, 1, 1}, new double[] {1, 0, 1}))
                .isCloseTo(0.4226497308, within(1e-9));
        assertThat(Statistics.pairedPValue(new double[] {1, 0, 1}, new double[] {1, 0, 1}))
                .isEqualTo(1.0);
        assertThat(Statistics.pairedPValue(new double[] {1, 1, 1}, new double[] {0, 0, 0}))
                .isEqualTo(0.0);
        assertThat(Statistics.pairedPValue(new double[] {1}, new double[] {0})).isNull();
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L);
        assertThat(Statistics.percentile(values, 50)).isEqualTo(50L);
        assertThat(Statistics.percentile(values, 95)).isEqualTo(100L);
        assertThat(Statistics.percentile(List.of(7L), 95)).isEqualTo(7L);
        assertThat(Statistics.percentile(List.of(), 50)).isNull();
    }
}
