package dev.promptline.api.leaderboards;

import org.jspecify.annotations.Nullable;

/**
 * One evaluator's figures in one experiment, as an entry keeps them.
 *
 * @param ciLow the 95% confidence interval's lower end of the mean
 * @param passRate the share of scores that passed, when the evaluator has a threshold
 * @param errors how many items the evaluator could not score
 */
public record MetricFigures(
        int evaluatorVersion,
        double mean,
        double stdDev,
        double ciLow,
        double ciHigh,
        int count,
        @Nullable Double passRate,
        int errors) {}
