package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.Model;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The record of one execution: what ran, with what, what came out, what it cost and how it ended. References to the
 * prompt, version and model may be null once those are deleted (and the prompt's are null for a model called without
 * a prompt); provider and model id are copied so the record still says what ran.
 *
 * @param promptVersion the version's number, read with the row
 * @param error why it did not succeed; null for a success and while it runs
 * @param traceId the OpenTelemetry trace it ran in; null when tracing is off
 * @param answeredBy the model that answered: its own, or one of its fallbacks; null unless it succeeded
 * @param attemptLog every provider attempt, in order, with the model it called and why it failed; empty for records
 *     older than the log, and for executions that never reached the runtime
 * @param cachedFrom the execution whose kept answer this one served (the response cache); it called no provider
 * @param promptLabel the label its version was resolved through; null when it ran a version by number, or the newest
 * @param splitId the label's traffic split that picked its version (the arm is the version); null without a split
 */
public record Execution(
        UUID id,
        OrganizationId organizationId,
        @Nullable UUID promptId,
        @Nullable UUID promptVersionId,
        @Nullable Integer promptVersion,
        @Nullable UUID modelId,
        String provider,
        String providerModelId,
        ExecutionInput input,
        @Nullable String output,
        @Nullable Integer tokensInput,
        @Nullable Integer tokensOutput,
        @Nullable Integer latencyMs,
        @Nullable Integer timeToFirstTokenMs,
        @Nullable BigDecimal costUsd,
        ExecutionStatus status,
        @Nullable ExecutionError error,
        @Nullable String errorMessage,
        @Nullable FinishReason finishReason,
        @Nullable Integer attempts,
        @Nullable UUID createdBy,
        @Nullable String requestId,
        @Nullable String traceId,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant deadlineAt,
        @Nullable ModelRef answeredBy,
        List<Attempt> attemptLog,
        @Nullable UUID cachedFrom,
        @Nullable String promptLabel,
        @Nullable UUID splitId) {
    /**
     * A model as a record names it: copied, so the record still says what ran once the model is deleted.
     *
     * @param id null once the model was deleted
     */
    public record ModelRef(@Nullable UUID id, String provider, String providerModelId) {
        public ModelRef {
            requireNonNull(provider, "provider is null");
            requireNonNull(providerModelId, "providerModelId is null");
        }

        static ModelRef of(Model model) {
            return new ModelRef(model.id().value(), model.provider().value(), model.providerModelId());
        }
    }

    /**
     * One provider attempt.
     *
     * @param attempt counting from 1 across every model of the execution
     * @param error why it failed; null for the attempt that answered, or one stopped without a reason from the runtime
     */
    public record Attempt(
            int attempt,
            ModelRef model,
            @Nullable ExecutionError error,
            @Nullable String errorMessage) {
        public Attempt {
            requireNonNull(model, "model is null");
        }
    }

    public Execution {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(provider, "provider is null");
        requireNonNull(providerModelId, "providerModelId is null");
        requireNonNull(input, "input is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        // Null in records announced before attempts were logged.
        attemptLog = attemptLog == null ? List.of() : List.copyOf(attemptLog);
    }

    /** The record written before the runtime is called: what runs, and nothing of how it ends yet. */
    static Execution pending(
            UUID id,
            ExecutionPlan plan,
            @Nullable UserId createdBy,
            @Nullable String requestId,
            @Nullable String traceId,
            Instant createdAt) {
        var version = plan.version();
        var model = plan.model();
        return new Execution(
                id,
                plan.organizationId(),
                version == null ? null : version.promptId().value(),
                version == null ? null : version.id(),
                version == null ? null : version.version(),
                model.id().value(),
                model.provider().value(),
                model.providerModelId(),
                plan.input(),
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
                createdBy == null ? null : createdBy.value(),
                requestId,
                traceId,
                createdAt,
                null,
                null,
                createdAt.plus(plan.timeout()),
                null,
                List.of(),
                null,
                plan.route() == null ? null : plan.route().label(),
                plan.route() == null ? null : plan.route().splitId());
    }

    /** This pending record as the copy of an earlier execution's kept answer. */
    Execution servedFrom(UUID source) {
        return new Execution(
                id,
                organizationId,
                promptId,
                promptVersionId,
                promptVersion,
                modelId,
                provider,
                providerModelId,
                input,
                output,
                tokensInput,
                tokensOutput,
                latencyMs,
                timeToFirstTokenMs,
                costUsd,
                status,
                error,
                errorMessage,
                finishReason,
                attempts,
                createdBy,
                requestId,
                traceId,
                createdAt,
                startedAt,
                finishedAt,
                deadlineAt,
                answeredBy,
                attemptLog,
                source,
                promptLabel,
                splitId);
    }

    /** This pending record as its outcome finished it. */
    Execution finished(
            ExecutionOutcome outcome, @Nullable BigDecimal cost, @Nullable Instant startedAt, Instant finishedAt) {
        var usage = outcome.usage();
        var timing = outcome.timing();
        return new Execution(
                id,
                organizationId,
                promptId,
                promptVersionId,
                promptVersion,
                modelId,
                provider,
                providerModelId,
                input,
                outcome.output(),
                usage.tokensInput(),
                usage.tokensOutput(),
                saturated(timing.latencyMs()),
                timing.timeToFirstTokenMs() == null ? null : saturated(timing.timeToFirstTokenMs()),
                cost,
                outcome.status(),
                outcome.error(),
                outcome.errorMessage(),
                outcome.finishReason(),
                usage.attempts() == 0 ? null : usage.attempts(),
                createdBy,
                requestId,
                traceId,
                createdAt,
                startedAt,
                finishedAt,
                deadlineAt,
                outcome.answeredBy(),
                outcome.attemptLog(),
                cachedFrom,
                promptLabel,
                splitId);
    }

    static int saturated(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
