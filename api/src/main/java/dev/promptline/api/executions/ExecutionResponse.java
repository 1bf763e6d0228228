package dev.promptline.api.executions;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An execution record as the API shows it; the single-execution read adds its scores. */
record ExecutionResponse(
        UUID id,
        String status,
        @Nullable UUID promptId,
        @Nullable Integer promptVersion,
        @Nullable UUID modelId,
        String provider,
        String model,
        Input input,
        @Nullable String output,
        @Nullable Usage usage,
        @Nullable Integer latencyMs,
        @Nullable Integer timeToFirstTokenMs,
        @Nullable BigDecimal costUsd,
        @Nullable String finishReason,
        @Nullable Integer attempts,
        @Nullable Error error,
        @Nullable String requestId,
        @Nullable String traceId,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant deadlineAt,
        @Nullable ModelResponse answeredBy,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AttemptResponse> attemptLog,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable UUID cachedFrom,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String label,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable UUID splitId,
        @Nullable List<?> scores) {

    /** A model as the record names it; modelId is null once the model was deleted. */
    record ModelResponse(@Nullable UUID modelId, String provider, String model) {
        static ModelResponse from(Execution.ModelRef model) {
            return new ModelResponse(model.id(), model.provider(), model.providerModelId());
        }
    }

    /** One provider attempt: the model it called and, if it failed, why. */
    record AttemptResponse(
            int attempt,
            @Nullable UUID modelId,
            String provider,
            String model,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Error error) {
        static AttemptResponse from(Execution.Attempt attempt) {
            return new AttemptResponse(
                    attempt.attempt(),
                    attempt.model().id(),
                    attempt.model().provider(),
                    attempt.model().providerModelId(),
                    attempt.error() == null ? null : new Error(attempt.error().value(), attempt.errorMessage()));
        }
    }

    /** @param messages the caller's own messages (sent after the prompt's, or alone); left out when there are none */
    record Input(
            Map<String, String> variables,
            ModelParameters parameters,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChatMessage> messages) {}

    record Usage(int inputTokens, int outputTokens) {}

    /** Why it did not succeed: a stable lower-case code (provider_unavailable, timeout, …) and what happened. */
    record Error(String code, @Nullable String message) {}

    static ExecutionResponse from(Execution execution) {
        return from(execution, null);
    }

    /** @param scores shown by the single-execution read only; null leaves the member out */
    static ExecutionResponse from(Execution execution, @Nullable List<?> scores) {
        return new ExecutionResponse(
                execution.id(),
                execution.status().value(),
                execution.promptId(),
                execution.promptVersion(),
                execution.modelId(),
                execution.provider(),
                execution.providerModelId(),
                new Input(
                        execution.input().variables(),
                        execution.input().parameters(),
                        execution.input().messages()),
                execution.output(),
                execution.tokensInput() == null && execution.tokensOutput() == null
                        ? null
                        : new Usage(
                                execution.tokensInput() == null ? 0 : execution.tokensInput(),
                                execution.tokensOutput() == null ? 0 : execution.tokensOutput()),
                execution.latencyMs(),
                execution.timeToFirstTokenMs(),
                execution.costUsd(),
                execution.finishReason() == null
                        ? null
                        : execution.finishReason().value(),
                execution.attempts(),
                execution.error() == null ? null : new Error(execution.error().value(), execution.errorMessage()),
                execution.requestId(),
                execution.traceId(),
                execution.createdAt(),
                execution.startedAt(),
                execution.finishedAt(),
                execution.deadlineAt(),
                execution.answeredBy() == null ? null : ModelResponse.from(execution.answeredBy()),
                execution.attemptLog().stream().map(AttemptResponse::from).toList(),
                execution.cachedFrom(),
                execution.promptLabel(),
                execution.splitId(),
                scores);
    }
}
