package dev.promptline.api.executions;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.platform.web.RequestId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Service;

/**
 * Runs prompts through the agent runtime, for an API request or for other features of the service, and reads their
 * records. The record is written before the runtime is called and finished exactly once, after it answered: whoever is
 * told that an execution succeeded can always read it back. Nothing is written for a request that fails validation
 * (an unknown variable, a disabled model).
 */
@Service
public class ExecutionService {
    private static final Duration REPLAY_POLL = Duration.ofMillis(200);

    private final ExecutionPlanner planner;
    private final ExecutionRecords records;
    private final ExecutionRepository repository;
    private final ModelService models;
    private final RuntimeConnection runtime;
    private final RunningExecutions running;
    private final IdempotencyKeys idempotencyKeys;
    private final ExecutionRunner runner;
    private final ExecutionProperties properties;
    private final ExecutionTracing tracing;
    private final ExecutionBudgets budgets;
    private final ResponseCache cache;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();

    ExecutionService(
            ExecutionPlanner planner,
            ExecutionRecords records,
            ExecutionRepository repository,
            ModelService models,
            RuntimeConnection runtime,
            RunningExecutions running,
            IdempotencyKeys idempotencyKeys,
            ExecutionRunner runner,
            ExecutionProperties properties,
            ExecutionTracing tracing,
            ExecutionBudgets budgets,
            ResponseCache cache) {
        this.planner = planner;
        this.records = records;
        this.repository = repository;
        this.models = models;
        this.runtime = runtime;
        this.running = running;
        this.idempotencyKeys = idempotencyKeys;
        this.runner = runner;
        this.properties = properties;
        this.tracing = tracing;
        this.budgets = budgets;
        this.cache = cache;
    }

    /** A finished execution, or (replayed) the one an earlier request with the same idempotency key started. */
    public record Result(Execution execution, boolean replayed) {}

    /**
     * Runs one execution to its end on the calling thread and returns its finished record. Validation errors are
     * thrown before anything is written; the execution's own failure (the provider failed, the deadline passed) is in
     * the returned record. A replayed result may still be running: {@link #awaitEnd} waits for it.
     */
    public Result execute(ExecutionRequest request, ExecutionListener listener) {
        ResponseCache.check(request.cacheTtl());
        ExecutionPlan planned = planner.plan(request);
        var span = tracing.start(planned);
        UUID id = ids.generate();
        var idempotency = request.idempotency();
        try {
            if (idempotency != null) {
                Optional<UUID> earlier = idempotencyKeys.claim(
                        request.organizationId(), idempotency.key(), idempotency.fingerprint(), id);
                if (earlier.isPresent()) {
                    Execution replayed = get(request.organizationId(), earlier.get());
                    span.replayed(replayed);
                    return new Result(replayed, true);
                }
            }
            Duration cacheTtl = ResponseCache.ttl(request, planned);
            Instant lookedUp = Instant.now();
            Optional<ResponseCache.Kept> kept = cacheTtl == null ? Optional.empty() : cache.find(planned);
            ExecutionBudgets.Charge charge = null;
            Execution pending;
            try {
                if (kept.isPresent()) {
                    Execution served = serve(id, planned, kept.get(), lookedUp, request, listener, span.traceId());
                    span.finished(served);
                    return new Result(served, false);
                }
                charge = budgets.charge(planned);
                pending = Execution.pending(
                        id, charge.plan(), request.initiatedBy(), RequestId.current(), span.traceId(), Instant.now());
                records.open(pending, runner.id(), request.experimentId());
            } catch (RuntimeException e) {
                if (charge != null) {
                    budgets.settle(charge.reservation(), BigDecimal.ZERO); // nothing ran
                }
                if (idempotency != null) {
                    idempotencyKeys.release(request.organizationId(), idempotency.key());
                }
                throw e;
            }
            Execution finished = run(pending, charge, listener, span);
            if (cacheTtl != null) {
                cache.keep(planned, finished, cacheTtl);
            }
            span.finished(finished);
            return new Result(finished, false);
        } catch (RuntimeException e) {
            span.failed(e);
            throw e;
        }
    }

    /**
     * An answer kept for the same request, served as a record of its own that names its source: no provider is called,
     * nothing is spent from a budget, and it costs nothing. Its time is the cache's read, from {@code lookedUp}; the
     * record is written whole, already finished, before the client hears of it.
     */
    private Execution serve(
            UUID id,
            ExecutionPlan plan,
            ResponseCache.Kept kept,
            Instant lookedUp,
            ExecutionRequest request,
            ExecutionListener listener,
            @Nullable String traceId) {
        Instant start = lookedUp.truncatedTo(ChronoUnit.MICROS);
        Execution pending = Execution.pending(id, plan, request.initiatedBy(), RequestId.current(), traceId, start)
                .servedFrom(kept.executionId());
        long elapsed = Duration.between(start, Instant.now()).toMillis();
        var outcome = ExecutionOutcome.succeeded(
                kept.output(),
                new ExecutionOutcome.Usage(kept.tokensInput(), kept.tokensOutput(), 0),
                new ExecutionOutcome.Timing(elapsed, elapsed),
                FinishReason.fromValue(kept.finishReason()));
        Execution served = records.served(pending, outcome, runner.id(), request.experimentId());
        try {
            listener.started(pending);
            if (listener.watchesTokens()) {
                listener.token(kept.output());
            }
        } catch (ExecutionListener.ClientGoneException e) {
            // The client left; the record is written all the same.
        }
        return served;
    }

    private Execution run(
            Execution pending,
            ExecutionBudgets.Charge charge,
            ExecutionListener listener,
            ExecutionTracing.ExecutionSpan span) {
        ExecutionPlan plan = charge.plan();
        Execution finished = null;
        var call = RuntimeCall.start(
                runtime.channel(),
                RuntimeRequests.execute(pending, plan, models::providerCredential),
                plan.timeout(),
                listener.watchesTokens());
        var registration = running.register(pending.id(), call);
        try {
            var run = new ExecutionRun(pending, plan, call, registration, records, properties, listener, span);
            ExecutionOutcome outcome = run.toEnd();
            finished = records.finish(pending, plan, outcome, run.startedAt());
            return finished;
        } catch (DataAccessResourceFailureException e) {
            // Whatever the runtime still does would be paid for and never recorded.
            registration.cancel("The API could not record the execution");
            throw new PromptlineException(
                            ErrorCode.DATABASE_UNAVAILABLE,
                            "The database is not reachable, so the execution's outcome could not be recorded. Its"
                                    + " record stays unfinished until a sweep closes it as abandoned once the"
                                    + " database is back.",
                            e)
                    .with("executionId", pending.id());
        } catch (RuntimeException e) {
            registration.cancel("The API failed while running the execution");
            throw e;
        } finally {
            budgets.settle(charge.reservation(), finished == null ? null : finished.costUsd());
            running.unregister(pending.id());
        }
    }

    /**
     * The execution an earlier request with the same idempotency key started, once it has ended: a retry (often sent
     * because the first answer was lost) gets the outcome the first request got, not a snapshot of it running. Waits
     * at most until a sweep would have closed it; the watcher hears {@code idle()} every heartbeat meanwhile, so a
     * streaming client keeps its connection and one that left stops the wait.
     */
    public Execution awaitEnd(OrganizationId organizationId, UUID id, ExecutionListener watcher) {
        Execution execution = get(organizationId, id);
        Instant giveUp = (execution.deadlineAt() == null ? Instant.now() : execution.deadlineAt())
                .plus(properties.sweepGrace())
                .plus(properties.sweepInterval());
        long lastBeat = System.nanoTime();
        while (!execution.status().isTerminal() && Instant.now().isBefore(giveUp)) {
            try {
                Thread.sleep(REPLAY_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return execution;
            }
            if (System.nanoTime() - lastBeat >= properties.heartbeat().toNanos()) {
                watcher.idle();
                lastBeat = System.nanoTime();
            }
            execution = get(organizationId, id);
        }
        return execution;
    }

    public Execution get(OrganizationId organizationId, UUID id) {
        return repository
                .find(organizationId, id)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "No execution %s in this organization.".formatted(id)));
    }

    public Page<Execution> list(
            OrganizationId organizationId,
            ExecutionFilter filter,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        if (filter.version() != null && filter.promptId() == null) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "version needs promptId: versions are per prompt.");
        }
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                repository.list(organizationId, filter, Cursor.decode(pageToken), size + 1),
                size,
                execution -> new Cursor(execution.createdAt(), execution.id()));
    }

    /**
     * Asks for an execution to stop, wherever it runs. It ends as cancelled once its runtime call stops; one that
     * finished meanwhile keeps its outcome.
     */
    public Execution cancel(OrganizationId organizationId, UUID id) {
        Execution execution = get(organizationId, id);
        if (execution.status().isTerminal()) {
            throw new PromptlineException(
                    ErrorCode.EXECUTION_FINISHED,
                    "Execution %s already ended as %s."
                            .formatted(id, execution.status().value()));
        }
        running.cancel(id);
        return execution;
    }
}
