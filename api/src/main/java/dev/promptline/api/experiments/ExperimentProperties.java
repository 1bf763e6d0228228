package dev.promptline.api.experiments;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How experiments run on a replica (docs/configuration.md#experiments).
 *
 * @param maxConcurrentExecutions executions of all experiments together that one replica runs at once, whatever
 *     each experiment's own limit: what keeps experiments from crowding out live traffic; 0 stops this replica from
 *     running experiments at all (another replica runs them)
 * @param lease how long a claimed run stays this replica's without being renewed; a replica that stops loses its runs
 *     to the others after this long
 * @param pollInterval how often a replica looks for work when nothing woke it (a run of its own ending wakes it)
 * @param maxRunAttempts executions one run may start (rate limited, or lost with a replica) before it fails
 * @param rateLimitBackoff the wait before a rate-limited run is tried again, doubled for each further attempt
 * @param maxRateLimitBackoff the longest such wait
 * @param shutdownGrace how long a replica that stops lets its runs in flight finish before it hands them back
 */
@ConfigurationProperties("promptline.experiments")
@Validated
record ExperimentProperties(
        @DefaultValue("32") @Min(0) @Max(10_000) int maxConcurrentExecutions,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("5") @Min(1) @Max(100) int maxRunAttempts,
        @DefaultValue("2s") Duration rateLimitBackoff,
        @DefaultValue("60s") Duration maxRateLimitBackoff,
        @DefaultValue("10s") Duration shutdownGrace) {}
