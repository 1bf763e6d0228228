package dev.promptline.api.experiments;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;
import org.jspecify.annotations.Nullable;

/**
 * The statistics of summaries and comparisons, on Apache Commons Math (the Student t distribution, the paired t-test),
 * so that nothing here is a home-made distribution. docs/evaluations.md#summary-statistics says what is computed and
 * why.
 */
public final class Statistics {
    /** Two-sided, the convention of every figure here. */
    static final double CONFIDENCE = 0.95;

    static final double SIGNIFICANCE = 0.05;

    private Statistics() {}

    /** A closed interval. */
    public record Interval(double low, double high) {}

    /**
     * Mean, sample standard deviation (n − 1) and the Student t 95% interval of the mean of {@code values}.
     *
     * @param n how many values
     */
    record Description(
            int n,
            double mean,
            @Nullable Double standardDeviation,
            @Nullable Interval confidenceInterval) {}

    static @Nullable Description describe(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return null;
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new Description(1, mean, null, null);
        }
        double squares = 0;
        for (double value : values) {
            squares += (value - mean) * (value - mean);
        }
        double sd = Math.sqrt(squares / (n - 1));
        double half = tQuantile(n - 1) * sd / Math.sqrt(n);
        return new Description(n, mean, sd, new Interval(mean - half, mean + half));
    }

    /** The t value that leaves 2.5% in each tail, with {@code degreesOfFreedom}. */
    static double tQuantile(int degreesOfFreedom) {
        return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
    }

    /**
     * The two-sided p-value of a paired t-test of {@code candidate} against {@code baseline} (item by item). Null with
     * fewer than two pairs. Differences that are all equal have no variance, where the test is undefined: all zero is
     * no evidence of a difference (1), a constant non-zero difference is as strong as evidence gets (0).
     */
    static @Nullable Double pairedPValue(double[] baseline, double[] candidate) {
        if (baseline.length < 2) {
            return null;
        }
        double[] differences = new double[baseline.length];
        for (int i = 0; i < baseline.length; i++) {
            differences[i] = candidate[i] - baseline[i];
        }
        double first = differences[0];
        if (Arrays.stream(differences).allMatch(d -> d == first)) {
            return first == 0 ? 1.0 : 0.0;
        }
        return new TTest().pairedTTest(candidate, baseline);
    }

    /** The nearest-rank percentile (the smallest value with at least {@code p}% of values at or below it). */
    static @Nullable Long percentile(List<Long> sortedValues, double p) {
        if (sortedValues.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100 * sortedValues.size());
        return sortedValues.get(Math.max(0, Math.min(sortedValues.size(), rank) - 1));
    }
}
