package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetItem;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.datasets.ItemDraft;
import dev.promptline.api.evaluations.ConfiguredEvaluator;
import dev.promptline.api.evaluations.EvaluatorId;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.evaluations.Score;
import dev.promptline.api.evaluations.ScoreService;
import dev.promptline.api.evaluations.Subject;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionError;
import dev.promptline.api.executions.ExecutionListener;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.LogSafe;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs experiments on this replica: claims queued runs from PostgreSQL under a lease, executes each through the
 * execution core (no HTTP caller), scores it with the experiment's pinned evaluators afterwards, and records the run.
 *
 * <p>Concurrency has three bounds. An experiment's own limit holds across replicas: claims of one experiment take its
 * row lock and count its runs in flight. A process-wide cap ({@code EXPERIMENT_MAX_CONCURRENT_EXECUTIONS}, a fair
 * semaphore) bounds all experiments of this replica together, so they share the runtime with live traffic, and the
 * claim loop hands free slots to active experiments in turn. And a provider's 429 halves an experiment's limit here
 * (additive increase again as runs succeed) and puts the rate-limited run back in the queue with a back-off, instead
 * of failing it.
 *
 * <p>Durability: a claimed run is this replica's while its lease is renewed; every write that ends or releases a run
 * is guarded by the lease, so a run is finished by one holder only. A replica that stops hands back what it has not
 * finished; one that dies loses its runs when their leases run out, and any replica takes them back.
 */
@Component
class ExperimentRunner implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ExperimentRunner.class);

    private final ExperimentRepository experiments;
    private final ExecutionService executions;
    private final EvaluatorService evaluators;
    private final ScoreService scores;
    private final DatasetService datasets;
    private final PromptService prompts;
    private final ExperimentProperties properties;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final java.util.concurrent.Semaphore slots;
    private final java.util.concurrent.Semaphore wakeups = new java.util.concurrent.Semaphore(0);
    private final Map<ExperimentId, Local> locals = new ConcurrentHashMap<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile String id = hostName() + ":" + UUID.randomUUID();
    private volatile boolean running;
    private volatile boolean lifecycleStarted;
    private volatile boolean webServerReady;
    private volatile @Nullable Thread scheduler;

    ExperimentRunner(
            ExperimentRepository experiments,
            ExecutionService executions,
            EvaluatorService evaluators,
            ScoreService scores,
            DatasetService datasets,
            PromptService prompts,
            ExperimentProperties properties,
            TransactionTemplate transactions,
            ApplicationEventPublisher events) {
        this.events = events;
        this.experiments = experiments;
        this.executions = executions;
        this.evaluators = evaluators;
        this.scores = scores;
        this.datasets = datasets;
        this.prompts = prompts;
        this.properties = properties;
        this.transactions = transactions;
        this.slots = new java.util.concurrent.Semaphore(properties.maxConcurrentExecutions(), true);
    }

    /** Who holds a run's lease: this replica, as host and port (a restart of the same replica takes its runs back). */
    String id() {
        return id;
    }

    /** Something changed (an experiment queued, a run ended): look for work now rather than at the next poll. */
    void wake() {
        wakeups.release();
    }

    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return; // the management server
        }
        id = hostName() + ":" + event.getWebServer().getPort();
        webServerReady = true;
        startScheduler();
    }

    /** The web server starts in an earlier phase than this, so its port (this replica's id) is usually known here. */
    @Override
    public void start() {
        lifecycleStarted = true;
        startScheduler();
    }

    private synchronized void startScheduler() {
        if (!lifecycleStarted || !webServerReady || scheduler != null || properties.maxConcurrentExecutions() == 0) {
            return;
        }
        running = true;
        scheduler = Thread.ofVirtual().name("experiment-runner").start(this::loop);
    }

    /**
     * Stops claiming, lets the runs in flight finish for a grace period, then hands back what is left: it is queued
     * again at once for another replica (or this one, restarted) instead of waiting for a lease to run out.
     */
    @Override
    public void stop() {
        lifecycleStarted = false;
        running = false;
        Thread loop = scheduler;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + properties.shutdownGrace().toNanos();
        for (Thread worker : Set.copyOf(workers)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                worker.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            int handedBack = experiments.releaseOf(id);
            if (handedBack > 0) {
                log.info("Handed back {} experiment run(s) still in flight at shutdown", handedBack);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not hand back this replica's experiment runs; their leases will run out: {}",
                    e.getMessage());
        }
        scheduler = null;
    }

    @Override
    public boolean isRunning() {
        return lifecycleStarted;
    }

    /** After the web server's graceful drain, before executions are shut down (ExecutionsShutdown). */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1280;
    }

    private void loop() {
        try {
            int released = experiments.releaseOf(id);
            if (released > 0) {
                log.info("Took back {} experiment run(s) this replica left when it stopped", released);
            }
        } catch (RuntimeException e) {
            log.warn("Could not take back this replica's earlier experiment runs: {}", e.getMessage());
        }
        long housekeeping = Math.max(1, properties.lease().toNanos() / 3);
        long lastHousekeeping = System.nanoTime() - housekeeping; // due at once
        while (running) {
            try {
                if (System.nanoTime() - lastHousekeeping >= housekeeping) {
                    experiments.renewLeases(id, properties.lease());
                    int expired = experiments.releaseExpired();
                    if (expired > 0) {
                        log.warn("Took back {} experiment run(s) whose replica stopped renewing its lease", expired);
                    }
                    lastHousekeeping = System.nanoTime();
                }
                List<Experiment> active = experiments.unfinished();
                locals.keySet().retainAll(active.stream().map(Experiment::id).toList());
                claimForAll(active);
                for (Experiment experiment : active) {
                    Local local = locals.get(experiment.id());
                    if (local == null || local.inFlight.get() == 0) {
                        endIfDone(experiment); // with runs in flight here, it is not done: spare the count
                    }
                }
                if (wakeups.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("The experiment runner could not look for work: {}", LogSafe.summary(e));
                try {
                    Thread.sleep(properties.pollInterval());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Hands free slots to the active experiments in turn, a share each per round, until the slots or the claimable
     * runs run out: one experiment of 10,000 items does not hold back one of 10 queued after it.
     */
    private void claimForAll(List<Experiment> active) {
        boolean claimedAny = true;
        while (claimedAny && running) {
            claimedAny = false;
            for (Experiment experiment : active) {
                Local local = locals.computeIfAbsent(experiment.id(), key -> new Local(experiment));
                int want = local.limit.get() - local.inFlight.get();
                int free = slots.availablePermits();
                if (want <= 0 || free <= 0) {
                    continue;
                }
                int share = Math.max(1, Math.min(want, free / active.size()));
                if (!slots.tryAcquire(share)) {
                    continue;
                }
                List<ExperimentRun> claimed;
                try {
                    claimed = claim(experiment, share);
                } catch (RuntimeException e) {
                    slots.release(share);
                    throw e;
                }
                slots.release(share - claimed.size());
                for (ExperimentRun run : claimed) {
                    local.inFlight.incrementAndGet();
                    Thread worker = Thread.ofVirtual().name("experiment-run").unstarted(() -> work(local, run));
                    workers.add(worker);
                    worker.start();
                }
                claimedAny |= !claimed.isEmpty();
            }
        }
    }

    private List<ExperimentRun> claim(Experiment experiment, int want) {
        List<ExperimentRun> claimed = transactions.execute(status -> {
            Experiment locked = experiments
                    .lock(experiment.organizationId(), experiment.id())
                    .orElse(null);
            if (locked == null || locked.status().isTerminal()) {
                return List.of();
            }
            int room = locked.concurrency() - experiments.running(experiment.id());
            if (room <= 0) {
                return List.of();
            }
            List<ExperimentRun> runs = experiments.claim(experiment.id(), id, properties.lease(), Math.min(want, room));
            if (!runs.isEmpty()) {
                experiments.markStarted(experiment.id());
            }
            return runs;
        });
        return claimed == null ? List.of() : claimed;
    }

    /** Ends an experiment with no run queued or in flight, on any replica: completed, or failed if nothing succeeded. */
    private void endIfDone(Experiment experiment) {
        Experiment.Counts counts = experiments.counts(experiment.organizationId(), experiment.id());
        if (counts.queued() > 0 || counts.running() > 0) {
            return;
        }
        boolean nothingWorked = counts.succeeded() == 0 && counts.failed() > 0;
        String error = nothingWorked ? "Every run failed; see the runs for why." : null;
        ExperimentStatus status = nothingWorked ? ExperimentStatus.FAILED : ExperimentStatus.COMPLETED;
        if (experiments.end(experiment.id(), status, error)) {
            experiments.storeCounts(experiment.id());
            events.publishEvent(new ExperimentEnded(experiment.organizationId(), experiment.id(), status));
            log.info(
                    "Experiment {} ended: {} succeeded, {} failed, {} cancelled",
                    experiment.id(),
                    counts.succeeded(),
                    counts.failed(),
                    counts.cancelled());
        }
    }

    /**
     * Runs a claimed run and, while this is the only experiment active here, claims its successor itself: the slot
     * goes from one run to the next without a trip through the claim loop. With several experiments active the slot
     * goes back to the loop, which shares slots between them.
     */
    private void work(Local local, ExperimentRun first) {
        try {
            for (ExperimentRun run = first; run != null; run = successor(local)) {
                runOne(local, run);
            }
        } finally {
            local.inFlight.decrementAndGet();
            workers.remove(Thread.currentThread());
            wake();
        }
    }

    private @Nullable ExperimentRun successor(Local local) {
        if (!running || locals.size() > 1 || local.inFlight.get() > local.limit.get() || !slots.tryAcquire()) {
            return null;
        }
        try {
            List<ExperimentRun> claimed = claim(local.experiment, 1);
            if (!claimed.isEmpty()) {
                return claimed.getFirst();
            }
        } catch (RuntimeException e) {
            log.debug("Could not claim a successor run; the claim loop will", e);
        }
        slots.release();
        return null;
    }

    /** One run, with one slot held on entry and released on return. */
    private void runOne(Local local, ExperimentRun run) {
        boolean slotHeld = true;
        Experiment experiment = local.experiment;
        try {
            Execution execution = earlierSuccess(experiment, run);
            if (execution == null) {
                if (run.attempts() > properties.maxRunAttempts()) {
                    finish(
                            run,
                            RunStatus.FAILED,
                            null,
                            "gave_up",
                            "Gave up after %d attempts".formatted(run.attempts() - 1));
                    return;
                }
                execution = execute(local, run);
                if (execution == null) {
                    return; // refused or lost: already recorded, or left to the lease
                }
            }
            slots.release();
            slotHeld = false;
            settle(local, run, execution);
        } catch (RuntimeException e) {
            log.error("Experiment {} run {} failed in the runner: {}", experiment.id(), run.id(), LogSafe.summary(e));
            log.debug("Stack trace of the runner's failure", e);
            try {
                finish(run, RunStatus.FAILED, null, "internal", "The experiment runner failed: " + LogSafe.summary(e));
            } catch (RuntimeException ignored) {
                // the lease runs out and another attempt is made
            }
        } finally {
            if (slotHeld) {
                slots.release();
            }
        }
    }

    /** A run taken back after its execution succeeded but before its evaluations were all recorded: score it only. */
    private @Nullable Execution earlierSuccess(Experiment experiment, ExperimentRun run) {
        if (run.executionId() == null) {
            return null;
        }
        try {
            Execution earlier = executions.get(experiment.organizationId(), run.executionId());
            return earlier.status() == ExecutionStatus.SUCCEEDED ? earlier : null;
        } catch (PromptlineException e) {
            return null;
        }
    }

    private @Nullable Execution execute(Local local, ExperimentRun run) {
        Experiment experiment = local.experiment;
        if (experiment.promptId() == null || experiment.promptVersionId() == null) {
            finish(run, RunStatus.FAILED, null, "prompt_deleted", "The prompt or its version was deleted");
            return null;
        }
        ItemDraft item = local.item(run.datasetItemId());
        if (item == null) {
            finish(run, RunStatus.FAILED, null, "item_missing", "The dataset item is gone");
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : local.variables()) {
            variables.put(name, item.input().get(name));
        }
        var request = new ExecutionRequest(
                experiment.organizationId(),
                experiment.createdBy() == null ? null : new UserId(experiment.createdBy()),
                new PromptId(experiment.promptId()),
                experiment.promptVersion(),
                null,
                variables,
                experiment.modelId(),
                ModelParameters.NONE,
                null,
                null,
                experiment.id().value());
        ExecutionListener linker = new ExecutionListener() {
            @Override
            public boolean watchesTokens() {
                return false;
            }

            @Override
            public void started(Execution execution) {
                try {
                    experiments.setExecution(run.id(), id, execution.id());
                } catch (RuntimeException e) {
                    // Only a cancel needs it before the run ends; the run's end writes it again.
                    log.debug("Could not link run {} to execution {} yet", run.id(), execution.id(), e);
                }
            }
        };
        try {
            return executions.execute(request, linker).execution();
        } catch (PromptlineException e) {
            if (e.code() == ErrorCode.DATABASE_UNAVAILABLE) {
                return null; // nothing can be recorded now; the lease runs out and the run is taken back
            }
            // Refused before it ran (the model disabled since, the version deleted): this item fails, alone.
            finish(run, RunStatus.FAILED, null, e.code().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
            return null;
        }
    }

    /** What the execution's end means for the run: scored, retried later, or failed. */
    private void settle(Local local, ExperimentRun run, Execution execution) {
        ExecutionError error = execution.error();
        if (execution.status() == ExecutionStatus.SUCCEEDED) {
            local.succeeded();
            evaluate(local, run, execution);
            finish(run, RunStatus.SUCCEEDED, execution, null, null);
            return;
        }
        if (execution.status() == ExecutionStatus.CANCELLED) {
            finish(
                    run,
                    RunStatus.CANCELLED,
                    execution,
                    error == null ? "cancelled" : error.value(),
                    execution.errorMessage());
            experiments.storeCounts(local.experiment.id());
            return;
        }
        boolean retryable = error == ExecutionError.RATE_LIMITED
                || error == ExecutionError.SHUTDOWN
                || error == ExecutionError.RUNTIME_UNAVAILABLE
                || error == ExecutionError.ABANDONED;
        if (retryable && run.attempts() < properties.maxRunAttempts()) {
            Duration wait = Duration.ZERO;
            if (error == ExecutionError.RATE_LIMITED) {
                local.rateLimited();
                wait = backoff(run.attempts());
            }
            if (experiments.requeue(run.id(), id, wait, error.value(), execution.errorMessage())) {
                log.info(
                        "Experiment {} run {} ended {} (attempt {}); queued again in {} ms, limit here now {}",
                        local.experiment.id(),
                        run.id(),
                        error.value(),
                        run.attempts(),
                        wait.toMillis(),
                        local.limit.get());
            }
            return;
        }
        finish(run, RunStatus.FAILED, execution, error == null ? "failed" : error.value(), execution.errorMessage());
    }

    /** Scores the execution with every pinned evaluator; an evaluator that fails is a recorded error, not the run's. */
    private void evaluate(Local local, ExperimentRun run, Execution execution) {
        Experiment experiment = local.experiment;
        if (experiment.evaluators().isEmpty()) {
            return;
        }
        Set<UUID> done = run.executionId() == null
                ? Set.of()
                : Set.copyOf(scores.forExecutions(experiment.organizationId(), List.of(execution.id())).stream()
                        .map(Score::evaluatorVersionId)
                        .filter(java.util.Objects::nonNull)
                        .toList());
        ItemDraft item = local.item(run.datasetItemId());
        var subject = new Subject(
                execution.input().variables(),
                item == null ? null : item.expectedOutput(),
                execution.output(),
                execution.latencyMs() == null ? null : Duration.ofMillis(execution.latencyMs()),
                execution.costUsd());
        for (PinnedEvaluator pinned : experiment.evaluators()) {
            if (done.contains(pinned.evaluatorVersionId())) {
                continue;
            }
            ConfiguredEvaluator evaluator = local.evaluator(pinned);
            if (evaluator == null) {
                continue; // deleted since: nothing can be recorded in its name
            }
            Verdict verdict;
            try {
                verdict = evaluator.scorer().score(subject);
            } catch (RuntimeException e) {
                verdict = new Verdict.Failed("The evaluator failed: " + LogSafe.summary(e));
            }
            scores.record(experiment.organizationId(), execution.id(), evaluator, verdict);
        }
    }

    private void finish(
            ExperimentRun run,
            RunStatus status,
            @Nullable Execution execution,
            @Nullable String errorCode,
            @Nullable String errorMessage) {
        boolean held = experiments.finish(
                run.id(),
                id,
                status,
                execution == null ? null : execution.id(),
                errorCode,
                errorMessage,
                execution == null ? null : execution.latencyMs(),
                execution == null ? null : execution.costUsd());
        if (!held) {
            log.info(
                    "Run {} was no longer this replica's when it ended as {}; its holder's outcome stands",
                    run.id(),
                    status);
        }
    }

    private Duration backoff(int attempts) {
        long base = properties.rateLimitBackoff().toMillis() << Math.min(20, Math.max(0, attempts - 1));
        long capped = Math.min(base, properties.maxRateLimitBackoff().toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (capped * jitter));
    }

    /** What this replica keeps about an experiment it runs: its items, configured evaluators and current limit. */
    private final class Local {
        final Experiment experiment;
        final AtomicInteger limit;
        final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger successes = new AtomicInteger();
        private volatile long lastDecrease;
        private volatile @Nullable Map<UUID, ItemDraft> items;
        private final Map<UUID, ConfiguredEvaluator> configured = new ConcurrentHashMap<>();
        private volatile @Nullable List<String> promptVariables;

        Local(Experiment experiment) {
            this.experiment = experiment;
            this.limit = new AtomicInteger(experiment.concurrency());
        }

        /** Multiplicative decrease, at most once per back-off period: a burst of 429s halves the limit once. */
        void rateLimited() {
            long now = System.nanoTime();
            if (now - lastDecrease >= properties.rateLimitBackoff().toNanos()) {
                lastDecrease = now;
                limit.updateAndGet(current -> Math.max(1, current / 2));
                successes.set(0);
            }
        }

        /** Additive increase: one more in flight after as many successes as are in flight, up to the limit asked. */
        void succeeded() {
            if (limit.get() < experiment.concurrency() && successes.incrementAndGet() >= limit.get()) {
                successes.set(0);
                limit.updateAndGet(current -> Math.min(experiment.concurrency(), current + 1));
            }
        }

        @Nullable
        ItemDraft item(UUID itemId) {
            Map<UUID, ItemDraft> loaded = items;
            if (loaded == null) {
                synchronized (this) {
                    loaded = items;
                    if (loaded == null) {
                        loaded = loadItems();
                        items = loaded;
                    }
                }
            }
            return loaded.get(itemId);
        }

        private Map<UUID, ItemDraft> loadItems() {
            Map<UUID, ItemDraft> loaded = new HashMap<>();
            String token = null;
            do {
                Page<DatasetItem> page = datasets.items(
                        experiment.organizationId(),
                        new DatasetId(experiment.datasetId()),
                        experiment.datasetVersion(),
                        token,
                        Cursor.MAX_PAGE_SIZE);
                page.items().forEach(item -> loaded.put(item.id(), item.content()));
                token = page.nextPageToken();
            } while (token != null);
            return loaded;
        }

        /** The variables the pinned prompt version needs: the only ones sent (an item may hold more). */
        List<String> variables() {
            List<String> names = promptVariables;
            if (names == null) {
                names = prompts.get(
                                experiment.organizationId(),
                                new PromptId(requireNonNull(experiment.promptId())),
                                new PromptService.Selector(experiment.promptVersion(), null))
                        .version()
                        .variables();
                promptVariables = names;
            }
            return names;
        }

        @Nullable
        ConfiguredEvaluator evaluator(PinnedEvaluator pinned) {
            ConfiguredEvaluator cached = configured.get(pinned.evaluatorVersionId());
            if (cached != null) {
                return cached;
            }
            try {
                ConfiguredEvaluator made = evaluators.configured(
                        experiment.organizationId(), new EvaluatorId(pinned.evaluatorId()), pinned.version());
                configured.put(pinned.evaluatorVersionId(), made);
                return made;
            } catch (PromptlineException e) {
                log.warn(
                        "Evaluator {} v{} of experiment {} cannot be configured: {}",
                        pinned.evaluatorId(),
                        pinned.version(),
                        experiment.id(),
                        e.getMessage());
                return null;
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
