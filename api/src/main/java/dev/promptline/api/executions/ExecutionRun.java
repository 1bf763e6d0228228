package dev.promptline.api.executions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One execution's runtime call, read to its end: it keeps the watcher told (tokens, heartbeats, probes for a client
 * that left), marks the record running when the runtime accepts it, and turns the terminal event, or a call that ended
 * without one, into the outcome. It does not write the outcome; {@link ExecutionRecords} does.
 */
final class ExecutionRun {
    /**
     * Until the first token, a short wait: the watcher probes its connection each time (see
     * {@link ExecutionListener#probe}), so a client gone before any output is noticed within a second rather than after
     * two heartbeats of a provider request paid for nobody.
     */
    private static final Duration DISCONNECT_PROBE = Duration.ofMillis(300);

    private final Execution pending;
    private final ExecutionPlan plan;
    private final RuntimeCall call;
    private final RunningExecutions.Running registration;
    private final ExecutionRecords records;
    private final ExecutionProperties properties;
    private final ExecutionTracing.ExecutionSpan span;
    private ExecutionListener listener;
    // Announced so far: what an execution stopped before its terminal event is charged for, with the output.
    private int attempts;
    private final Map<Integer, Execution.Attempt> attemptLog = new TreeMap<>();
    private @Nullable Instant startedAt;
    private Execution.@Nullable ModelRef answeredBy;

    ExecutionRun(
            Execution pending,
            ExecutionPlan plan,
            RuntimeCall call,
            RunningExecutions.Running registration,
            ExecutionRecords records,
            ExecutionProperties properties,
            ExecutionListener listener,
            ExecutionTracing.ExecutionSpan span) {
        this.pending = pending;
        this.plan = plan;
        this.call = call;
        this.registration = registration;
        this.records = records;
        this.properties = properties;
        this.listener = listener;
        this.span = span;
    }

    /** When the runtime accepted it; null if it never did. */
    @Nullable
    Instant startedAt() {
        return startedAt;
    }

    /** Reads the call to its end; the outcome names the model that answered and logs every attempt. */
    ExecutionOutcome toEnd() {
        ExecutionOutcome outcome = read();
        Execution.ModelRef answered = outcome.status() == ExecutionStatus.SUCCEEDED ? answeredBy : null;
        return outcome.with(answered, List.copyOf(attemptLog.values()));
    }

    private ExecutionOutcome read() {
        while (true) {
            RuntimeEvent event;
            try {
                event = call.next(call.output().isEmpty() ? DISCONNECT_PROBE : properties.heartbeat());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                registration.shutDown();
                return stopped(ExecutionError.SHUTDOWN, RunningExecutions.SHUTTING_DOWN);
            }
            switch (event) {
                case null -> notify(call.output().isEmpty() ? ExecutionListener::probe : ExecutionListener::idle);
                case RuntimeEvent.Started started -> {
                    startedAt = Instant.now();
                    records.markRunning(pending, startedAt);
                    notify(watcher -> watcher.started(pending));
                }
                case RuntimeEvent.AttemptStarted attempt -> {
                    attempts = Math.max(attempts, attempt.attempt());
                    attemptLog.put(
                            attempt.attempt(),
                            new Execution.Attempt(
                                    attempt.attempt(),
                                    Execution.ModelRef.of(plan.modelAt(attempt.modelIndex())),
                                    null,
                                    null));
                    span.attempt(attempt.attempt(), plan.modelAt(attempt.modelIndex()));
                }
                case RuntimeEvent.AttemptFailed failed ->
                    attemptLog.put(
                            failed.attempt(),
                            new Execution.Attempt(
                                    failed.attempt(),
                                    Execution.ModelRef.of(plan.modelAt(failed.modelIndex())),
                                    failed.error(),
                                    failed.message()));
                case RuntimeEvent.TokenDelta delta -> notify(watcher -> watcher.token(delta.text()));
                case RuntimeEvent.Completed completed -> {
                    answeredBy = Execution.ModelRef.of(plan.modelAt(completed.modelIndex()));
                    return ExecutionOutcome.succeeded(
                            completed.output(),
                            new ExecutionOutcome.Usage(
                                    completed.inputTokens(), completed.outputTokens(), completed.attempts()),
                            timing(),
                            completed.finishReason());
                }
                case RuntimeEvent.Failed failed -> {
                    return failed(failed);
                }
                case RuntimeEvent.CallFailed callFailed -> {
                    return callFailed(callFailed);
                }
            }
        }
    }

    private ExecutionOutcome failed(RuntimeEvent.Failed failed) {
        var usage = new ExecutionOutcome.Usage(0, failed.outputTokens(), failed.attempts());
        if (registration.isShutDown()) {
            return failure(ExecutionError.SHUTDOWN, RunningExecutions.SHUTTING_DOWN, usage);
        }
        String because = registration.cancelledBecause();
        String message = failed.error() == ExecutionError.CANCELLED && because != null ? because : failed.message();
        return failure(failed.error(), message, usage);
    }

    private ExecutionOutcome callFailed(RuntimeEvent.CallFailed failed) {
        if (registration.isShutDown()) {
            return stopped(ExecutionError.SHUTDOWN, RunningExecutions.SHUTTING_DOWN);
        }
        String because = registration.cancelledBecause();
        String message = failed.error() == ExecutionError.CANCELLED && because != null ? because : failed.message();
        return stopped(failed.error(), message);
    }

    /**
     * An execution whose call ended without a terminal event (cancelled, past its deadline, the runtime gone): the
     * runtime could not report its usage, so it is what this side saw, counted as the runtime counts a broken stream:
     * each token delta is one output token, input tokens unknown (0), and the attempts it announced.
     */
    private ExecutionOutcome stopped(ExecutionError error, String message) {
        return failure(
                error, message, new ExecutionOutcome.Usage(0, call.output().deltas(), attempts));
    }

    private ExecutionOutcome failure(ExecutionError error, String message, ExecutionOutcome.Usage usage) {
        return ExecutionOutcome.failed(error, message, call.output().text(), usage, timing());
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

    private ExecutionOutcome.Timing timing() {
        long startNanos = call.startNanos();
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        StreamedOutput output = call.output();
        return new ExecutionOutcome.Timing(
                elapsedMs, output.isEmpty() ? null : (output.firstTokenNanos() - startNanos) / 1_000_000);
    }
}
