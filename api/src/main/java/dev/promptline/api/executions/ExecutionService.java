package dev.promptline.api.executions;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.platform.web.RequestId;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Service;

/**
 * Runs prompts through the agent runtime and keeps their records. The record is written before the runtime is
 * called and finished exactly once, after it answered: a client told that an execution succeeded can always read it
 * back. Nothing is written for a request that fails validation (an unknown variable, a disabled model).
 */
@Service
public class ExecutionService {
    private static final Logger log = LoggerFactory.getLogger(ExecutionService.class);
    private static final String DEFAULT_LABEL = "production";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Duration REPLAY_POLL = Duration.ofMillis(200);
    private static final Duration DISCONNECT_PROBE = Duration.ofMillis(300);

    private final PromptService prompts;
    private final ModelService models;
    private final ExecutionRepository executions;
    private final RuntimeConnection runtime;
    private final RunningExecutions running;
    private final IdempotencyKeys idempotencyKeys;
    private final ExecutionRunner runner;
    private final ExecutionProperties properties;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();

    ExecutionService(
            PromptService prompts,
            ModelService models,
            ExecutionRepository executions,
            RuntimeConnection runtime,
            RunningExecutions running,
            IdempotencyKeys idempotencyKeys,
            ExecutionRunner runner,
            ExecutionProperties properties) {
        this.prompts = prompts;
        this.models = models;
        this.executions = executions;
        this.runtime = runtime;
        this.running = running;
        this.idempotencyKeys = idempotencyKeys;
        this.runner = runner;
        this.properties = properties;
    }

    /**
     * What a caller asks to run.
     *
     * @param version a version number; with {@code label}, null, the production label if set, else the newest
     * @param modelId a model to use instead of the version's
     * @param parameters sampling parameters over the model's and the version's
     * @param timeout the execution's deadline; null for the configured default
     */
    public record ExecuteCommand(
            Map<String, String> variables,
            @Nullable Integer version,
            @Nullable String label,
            @Nullable UUID modelId,
            ModelParameters parameters,
            @Nullable Duration timeout,
            @Nullable String idempotencyKey,
            String fingerprint) {}

    /** A finished execution, or (replayed) the one an earlier request with the same Idempotency-Key started. */
    public record Result(Execution execution, boolean replayed) {}

    /**
     * Runs one execution to its end and returns its finished record. Validation errors are thrown before anything is
     * written; the execution's own failure (the provider failed, the deadline passed) is in the returned record.
     */
    public Result execute(Caller caller, PromptId promptId, ExecuteCommand command, ExecutionListener listener) {
        Duration timeout = timeout(command.timeout());
        PromptService.Resolved resolved = resolve(caller, promptId, command);
        Model model = model(
                caller.organizationId(), command.modelId(), resolved.version().modelId());
        ModelParameters parameters =
                model.parameters().overriddenBy(resolved.version().parameters()).overriddenBy(command.parameters());
        List<ChatMessage> messages = prompts.render(resolved.version(), command.variables());

        Instant now = Instant.now();
        var pending = new Execution(
                ids.generate(),
                caller.organizationId(),
                resolved.prompt().id().value(),
                resolved.version().id(),
                resolved.version().version(),
                model.id().value(),
                model.provider().value(),
                model.providerModelId(),
                new ExecutionInput(command.variables(), parameters),
                null,
                null,
                null,
                null,
                null,
                null,
                ExecutionStatus.PENDING,
                null,
                null,
                null,
                null,
                caller.userId().value(),
                RequestId.current(),
                now,
                null,
                null,
                now.plus(timeout));
        if (command.idempotencyKey() != null) {
            Optional<UUID> earlier = idempotencyKeys.claim(
                    caller.organizationId(), command.idempotencyKey(), command.fingerprint(), pending.id());
            if (earlier.isPresent()) {
                return new Result(get(caller, earlier.get()), true);
            }
        }
        try {
            executions.insert(pending, runner.id());
        } catch (RuntimeException e) {
            if (command.idempotencyKey() != null) {
                idempotencyKeys.release(caller.organizationId(), command.idempotencyKey());
            }
            throw e;
        }
        var request = RuntimeRequests.execute(pending, model, models.providerCredential(model), messages, parameters);
        var run = new Run(pending, model, RuntimeCall.start(runtime.channel(), request, timeout), listener);
        return new Result(run.toEnd(), false);
    }

    /**
     * The execution an earlier request with the same Idempotency-Key started, once it has ended: a retry (often sent
     * because the first answer was lost) gets the outcome the first request got, not a snapshot of it running. Waits
     * at most until a sweep would have closed it; the watcher hears {@code idle()} every heartbeat meanwhile, so a
     * streaming client keeps its connection and one that left stops the wait.
     */
    public Execution awaitEnd(Caller caller, UUID id, ExecutionListener watcher) {
        Execution execution = get(caller, id);
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
            execution = get(caller, id);
        }
        return execution;
    }

    public Execution get(Caller caller, UUID id) {
        return executions
                .find(caller.organizationId(), id)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "No execution %s in this organization.".formatted(id)));
    }

    public Page<Execution> list(
            Caller caller, ExecutionFilter filter, @Nullable String pageToken, @Nullable Integer pageSize) {
        if (filter.version() != null && filter.promptId() == null) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "version needs promptId: versions are per prompt.");
        }
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                executions.list(caller.organizationId(), filter, Cursor.decode(pageToken), size + 1),
                size,
                execution -> new Cursor(execution.createdAt(), execution.id()));
    }

    /**
     * Asks for an execution to stop, wherever it runs. It ends as cancelled once its runtime call stops; one that
     * finished meanwhile keeps its outcome.
     */
    public Execution cancel(Caller caller, UUID id) {
        Execution execution = get(caller, id);
        if (execution.status().isTerminal()) {
            throw new PromptlineException(
                    ErrorCode.EXECUTION_FINISHED,
                    "Execution %s already ended as %s."
                            .formatted(id, execution.status().value()));
        }
        running.cancel(id);
        return execution;
    }

    private Duration timeout(@Nullable Duration requested) {
        if (requested == null) {
            return properties.timeout();
        }
        if (requested.isNegative() || requested.isZero() || requested.compareTo(properties.maxTimeout()) > 0) {
            throw PromptlineException.invalidField(
                    "#/timeout",
                    "must be positive and at most %ss"
                            .formatted(properties.maxTimeout().toSeconds()));
        }
        return requested;
    }

    private PromptService.Resolved resolve(Caller caller, PromptId promptId, ExecuteCommand command) {
        if (command.version() != null || command.label() != null) {
            return prompts.get(caller, promptId, new PromptService.Selector(command.version(), command.label()));
        }
        PromptService.Resolved latest = prompts.get(caller, promptId, new PromptService.Selector(null, null));
        return latest.prompt().labels().containsKey(DEFAULT_LABEL)
                ? prompts.get(caller, promptId, new PromptService.Selector(null, DEFAULT_LABEL))
                : latest;
    }

    private Model model(OrganizationId organization, @Nullable UUID requested, @Nullable UUID versions) {
        UUID id = requested != null ? requested : versions;
        if (id == null) {
            throw PromptlineException.invalidField(
                    "#/modelId", "is required: this prompt version names no model, so say which one to run it on");
        }
        Model model = models.find(organization, new ModelId(id))
                .orElseThrow(() -> PromptlineException.invalidField(
                        "#/modelId",
                        "is not a model of this organization" + (requested == null ? " (the version's model)" : "")));
        if (!model.enabled()) {
            throw new PromptlineException(
                    ErrorCode.MODEL_DISABLED,
                    "Model '%s' is disabled; enable it or choose another.".formatted(model.name()));
        }
        return model;
    }

    /** One execution from its runtime call to its finished record. */
    private final class Run {
        private final Execution pending;
        private final Model model;
        private final RuntimeCall call;
        private final RunningExecutions.Running registration;
        private ExecutionListener listener;
        private final StringBuilder output = new StringBuilder();
        // What was streamed and tried so far: what an execution stopped before its terminal event is charged for.
        private int deltas;
        private int attempts;
        private final long startNanos = System.nanoTime();
        private long firstTokenNanos;
        private @Nullable Instant startedAt;

        Run(Execution pending, Model model, RuntimeCall call, ExecutionListener listener) {
            this.pending = pending;
            this.model = model;
            this.call = call;
            this.listener = listener;
            this.registration = running.register(pending.id(), call);
        }

        Execution toEnd() {
            try {
                ExecutionOutcome outcome = await();
                BigDecimal cost = cost(outcome);
                if (!executions.finish(pending.organizationId(), pending.id(), outcome, cost)) {
                    log.warn(
                            "Execution {} was closed by a sweep before it ended as {}", pending.id(), outcome.status());
                }
                return finished(outcome, cost);
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
                running.unregister(pending.id());
            }
        }

        private ExecutionOutcome await() {
            while (true) {
                RuntimeEvent event;
                try {
                    // Until the first token, a short wait: the watcher probes its connection each time (see
                    // ExecutionListener.probe), so a client gone before any output is noticed within a second
                    // rather than after two heartbeats of a provider request paid for nobody.
                    event = call.next(output.isEmpty() ? DISCONNECT_PROBE : properties.heartbeat());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    registration.shutDown();
                    return stopped(ExecutionStatus.FAILED, "shutdown", RunningExecutions.SHUTTING_DOWN);
                }
                switch (event) {
                    case null -> notify(output.isEmpty() ? ExecutionListener::probe : ExecutionListener::idle);
                    case RuntimeEvent.Started started -> {
                        startedAt = Instant.now();
                        executions.markRunning(pending.organizationId(), pending.id(), startedAt);
                        notify(watcher -> watcher.started(pending));
                    }
                    case RuntimeEvent.AttemptStarted attempt -> attempts = Math.max(attempts, attempt.attempt());
                    case RuntimeEvent.TokenDelta delta -> {
                        if (output.isEmpty()) {
                            firstTokenNanos = System.nanoTime();
                        }
                        deltas++;
                        output.append(delta.text());
                        notify(watcher -> watcher.token(delta.text()));
                    }
                    case RuntimeEvent.Completed completed -> {
                        return new ExecutionOutcome(
                                ExecutionStatus.SUCCEEDED,
                                completed.output(),
                                completed.inputTokens(),
                                completed.outputTokens(),
                                elapsedMs(),
                                timeToFirstTokenMs(),
                                completed.finishReason(),
                                completed.attempts(),
                                null,
                                null);
                    }
                    case RuntimeEvent.Failed failed -> {
                        return failure(failed);
                    }
                    case RuntimeEvent.CallFailed callFailed -> {
                        return callFailure(callFailed);
                    }
                }
            }
        }

        private ExecutionOutcome failure(RuntimeEvent.Failed failed) {
            String because = registration.cancelledBecause();
            if (registration.isShutDown()) {
                return outcome(
                        ExecutionStatus.FAILED,
                        "shutdown",
                        RunningExecutions.SHUTTING_DOWN,
                        failed.attempts(),
                        failed.outputTokens());
            }
            ExecutionStatus status = switch (failed.code()) {
                case "timeout" -> ExecutionStatus.TIMED_OUT;
                case "cancelled" -> ExecutionStatus.CANCELLED;
                default -> ExecutionStatus.FAILED;
            };
            String message = status == ExecutionStatus.CANCELLED && because != null ? because : failed.message();
            return outcome(status, failed.code(), message, failed.attempts(), failed.outputTokens());
        }

        private ExecutionOutcome callFailure(RuntimeEvent.CallFailed failed) {
            String because = registration.cancelledBecause();
            if (registration.isShutDown()) {
                return stopped(ExecutionStatus.FAILED, "shutdown", RunningExecutions.SHUTTING_DOWN);
            }
            return switch (failed.status()) {
                case CANCELLED ->
                    stopped(
                            ExecutionStatus.CANCELLED,
                            "cancelled",
                            because != null ? because : "The call to the runtime was cancelled");
                case DEADLINE_EXCEEDED ->
                    stopped(ExecutionStatus.TIMED_OUT, "timeout", "The execution's deadline passed");
                case UNAVAILABLE ->
                    stopped(
                            ExecutionStatus.FAILED,
                            "runtime_unavailable",
                            "The agent runtime is not reachable: " + failed.description());
                default ->
                    stopped(
                            ExecutionStatus.FAILED,
                            "internal",
                            "The runtime call failed (%s): %s".formatted(failed.status(), failed.description()));
            };
        }

        /**
         * An execution whose call ended without a terminal event (cancelled, past its deadline, the runtime gone): the
         * runtime could not report its usage, so it is what this side saw, counted as the runtime counts a broken
         * stream: each token delta is one output token, input tokens unknown (0), and the attempts it announced.
         */
        private ExecutionOutcome stopped(ExecutionStatus status, String errorCode, String message) {
            return outcome(status, errorCode, message, attempts, deltas);
        }

        private ExecutionOutcome outcome(
                ExecutionStatus status, String errorCode, String message, int attempts, int outputTokens) {
            return new ExecutionOutcome(
                    status,
                    output.toString(),
                    0,
                    outputTokens,
                    elapsedMs(),
                    timeToFirstTokenMs(),
                    null,
                    attempts,
                    errorCode,
                    message);
        }

        /** Tells the watcher; one that went away is not told again, and its execution stops unless configured not to. */
        private void notify(Consumer<ExecutionListener> event) {
            try {
                event.accept(listener);
            } catch (ExecutionListener.ClientGoneException e) {
                listener = ExecutionListener.NONE;
                if (properties.cancelOnDisconnect()) {
                    registration.cancel("The client disconnected");
                }
            }
        }

        private @Nullable BigDecimal cost(ExecutionOutcome outcome) {
            if (model.inputPricePerMillion() == null && model.outputPricePerMillion() == null) {
                return null;
            }
            BigDecimal input = price(model.inputPricePerMillion(), outcome.tokensInput());
            BigDecimal output = price(model.outputPricePerMillion(), outcome.tokensOutput());
            return input.add(output);
        }

        private static BigDecimal price(@Nullable BigDecimal perMillion, int tokens) {
            return perMillion == null
                    ? BigDecimal.ZERO
                    : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION, MathContext.DECIMAL64);
        }

        private long elapsedMs() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        private @Nullable Long timeToFirstTokenMs() {
            return output.isEmpty() ? null : (firstTokenNanos - startNanos) / 1_000_000;
        }

        private Execution finished(ExecutionOutcome outcome, @Nullable BigDecimal cost) {
            return new Execution(
                    pending.id(),
                    pending.organizationId(),
                    pending.promptId(),
                    pending.promptVersionId(),
                    pending.promptVersion(),
                    pending.modelId(),
                    pending.provider(),
                    pending.providerModelId(),
                    pending.input(),
                    outcome.output(),
                    outcome.tokensInput(),
                    outcome.tokensOutput(),
                    (int) outcome.latencyMs(),
                    outcome.timeToFirstTokenMs() == null
                            ? null
                            : outcome.timeToFirstTokenMs().intValue(),
                    cost,
                    outcome.status(),
                    outcome.errorCode(),
                    outcome.errorMessage(),
                    outcome.finishReason(),
                    outcome.attempts() == 0 ? null : outcome.attempts(),
                    pending.createdBy(),
                    pending.requestId(),
                    pending.createdAt(),
                    startedAt,
                    Instant.now(),
                    pending.deadlineAt());
        }
    }
}
