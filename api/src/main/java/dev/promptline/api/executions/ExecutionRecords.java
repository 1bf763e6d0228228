package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.platform.web.LogSafe;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * An execution's record through its life: opened before the runtime is called, marked running once the runtime
 * accepted it, and finished exactly once (priced) by its run, or failed as abandoned by recovery or the sweep. An answer
 * served from the response cache calls nothing, so its record is written once, already finished. Every finish that
 * happened here is announced as {@link ExecutionFinished}.
 */
@Component
class ExecutionRecords {
    private static final Logger log = LoggerFactory.getLogger(ExecutionRecords.class);

    private final ExecutionRepository repository;
    private final RecordWriter writer;
    private final ApplicationEventPublisher events;

    ExecutionRecords(ExecutionRepository repository, RecordWriter writer, ApplicationEventPublisher events) {
        this.repository = repository;
        this.writer = writer;
        this.events = events;
    }

    /**
     * Writes the pending record, durable before this returns; {@code runner} is this process, {@code experimentId} the
     * experiment it runs for, if any.
     */
    void open(Execution pending, String runner, @Nullable UUID experimentId) {
        writer.open(pending, runner, experimentId);
    }

    /**
     * Writes the record of an answer served from the response cache, finished as it is opened (nothing is called, so
     * there is nothing to record before), durable before this returns; announces and returns it. It costs nothing.
     */
    Execution served(Execution pending, ExecutionOutcome outcome, String runner, @Nullable UUID experimentId) {
        // Microseconds, as the database keeps them: the record returned is the record stored.
        Instant finishedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant startedAt = pending.createdAt();
        writer.complete(new RecordWriter.Complete(
                new RecordWriter.Open(pending, runner, experimentId),
                new RecordWriter.Finish(pending.organizationId(), pending.id(), outcome, BigDecimal.ZERO, startedAt),
                finishedAt));
        Execution finished = pending.finished(outcome, BigDecimal.ZERO, startedAt, finishedAt);
        announce(finished);
        return finished;
    }

    /** Queues the move to running, without waiting for it: losing it loses nothing that recovery does not close. */
    void markRunning(Execution pending, Instant startedAt) {
        writer.markRunning(pending.organizationId(), pending.id(), startedAt);
    }

    /**
     * Prices the outcome and writes it, durable before this returns, and returns the finished record. If a sweep closed
     * the record first (the run outlived its deadline and the grace), the record keeps the sweep's outcome and that is
     * what is returned: whoever is told how the execution ended is told what its durable record says.
     */
    Execution finish(Execution pending, ExecutionPlan plan, ExecutionOutcome outcome, @Nullable Instant startedAt) {
        // Priced at the model that answered, or for a failure at the one tried last: whoever produced the tokens.
        BigDecimal cost = Pricing.cost(pricedModel(plan, outcome), outcome.usage());
        boolean finishedHere = writer.finish(
                new RecordWriter.Finish(pending.organizationId(), pending.id(), outcome, cost, startedAt));
        Execution finished = pending.finished(outcome, cost, startedAt, Instant.now());
        if (finishedHere) {
            announce(finished);
            return finished;
        }
        log.warn(
                "Execution {} was closed by a sweep before it ended as {}; its record keeps the sweep's outcome",
                pending.id(),
                outcome.status());
        return repository.find(pending.organizationId(), pending.id()).orElse(finished);
    }

    private static Model pricedModel(ExecutionPlan plan, ExecutionOutcome outcome) {
        Execution.ModelRef answered = outcome.answeredBy();
        if (answered == null && !outcome.attemptLog().isEmpty()) {
            answered = outcome.attemptLog().getLast().model();
        }
        if (answered != null) {
            for (ExecutionPlan.Fallback fallback : plan.fallbacks()) {
                if (fallback.model().id().value().equals(answered.id())) {
                    return fallback.model();
                }
            }
        }
        return plan.model();
    }

    /** Fails every unfinished execution {@code runner} left when it stopped; how many there were. */
    int abandonOfRunner(String runner, String reason) {
        return announceAll(repository.abandonOfRunner(runner, reason));
    }

    /** Fails every unfinished execution whose deadline passed before {@code before}; how many there were. */
    int abandonPastDeadline(Instant before, String reason) {
        return announceAll(repository.abandonPastDeadline(before, reason));
    }

    private int announceAll(List<Execution> finished) {
        finished.forEach(this::announce);
        return finished.size();
    }

    private void announce(Execution finished) {
        try {
            events.publishEvent(new ExecutionFinished(finished));
        } catch (RuntimeException e) {
            // The record is finished either way; a listener's failure must not turn a success into an error.
            log.error("A listener of ExecutionFinished failed for execution {}: {}", finished.id(), LogSafe.summary(e));
            log.debug("Stack trace of the listener's failure for execution {}", finished.id(), e);
        }
    }
}
