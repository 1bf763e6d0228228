package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The record of one execution: what ran, with what, what came out, what it cost and how it ended. References to the
 * prompt, version and model may be null once those are deleted; provider and model id are copied so the record still
 * says what ran.
 *
 * @param promptVersion the version's number, read with the row
 * @param errorCode why it did not succeed, as a stable lower-case code (e.g. provider_unavailable)
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
        @Nullable String errorCode,
        @Nullable String errorMessage,
        @Nullable String finishReason,
        @Nullable Integer attempts,
        @Nullable UUID createdBy,
        @Nullable String requestId,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant deadlineAt) {
    public Execution {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(provider, "provider is null");
        requireNonNull(providerModelId, "providerModelId is null");
        requireNonNull(input, "input is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
