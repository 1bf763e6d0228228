package dev.promptline.api.executions;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How executions run and are kept honest.
 *
 * @param timeout the deadline of an execution that does not ask for one
 * @param maxTimeout the longest deadline a request may ask for
 * @param heartbeat how often a quiet SSE stream gets a comment, which keeps proxies from closing it and tells a
 *     client that went away
 * @param cancelOnDisconnect whether an SSE client that goes away cancels its execution, so nobody pays for tokens
 *     nobody reads
 * @param sweepInterval how often unfinished executions past their deadline are failed
 * @param sweepGrace how long past its deadline an execution may stay unfinished before a sweep fails it
 * @param idempotencyTtl how long an Idempotency-Key is remembered
 * @param budgetMaxOutputTokens the output limit of an execution under a spend cap that nothing else limited, so that
 *     its worst case is known
 */
@ConfigurationProperties("promptline.executions")
@Validated
record ExecutionProperties(
        @DefaultValue("120s") Duration timeout,
        @DefaultValue("10m") Duration maxTimeout,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("true") boolean cancelOnDisconnect,
        @DefaultValue("60s") Duration sweepInterval,
        @DefaultValue("30s") Duration sweepGrace,
        @DefaultValue("24h") Duration idempotencyTtl,
        @DefaultValue("4096") @Positive int budgetMaxOutputTokens) {}
