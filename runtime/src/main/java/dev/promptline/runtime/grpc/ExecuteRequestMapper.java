package dev.promptline.runtime.grpc;

import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.SamplingParameters;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Proto to domain for requests; a request that breaks the contract is an IllegalArgumentException. */
final class ExecuteRequestMapper {
    /** More attempts than this only multiply a provider outage. */
    static final int MAX_ATTEMPTS_LIMIT = 10;

    /** More fallbacks than this only delay an answer that will not come. */
    static final int MAX_FALLBACK_MODELS = 5;

    private ExecuteRequestMapper() {}

    /** The execution's model, then its fallbacks in order, as calls that share the messages and the deadline. */
    static List<ModelCall> toModelCalls(ExecuteRequest request, int defaultMaxAttempts, @Nullable Deadline deadline) {
        if (deadline == null) {
            // Without one, a provider that never answers holds the execution, its thread and its connection forever.
            throw new IllegalArgumentException("the call needs a deadline: it bounds the whole execution");
        }
        if (request.getExecutionId().isBlank()) {
            throw new IllegalArgumentException("execution_id is required");
        }
        if (request.getMessagesCount() == 0) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        if (request.getFallbackModelsCount() > MAX_FALLBACK_MODELS) {
            throw new IllegalArgumentException("fallback_models holds at most " + MAX_FALLBACK_MODELS);
        }
        var messages = new ArrayList<ModelCall.Message>();
        for (ChatMessage message : request.getMessagesList()) {
            String role = switch (message.getRole()) {
                case ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT ->
                    message.getRole().name().substring("ROLE_".length()).toLowerCase(Locale.ROOT);
                case ROLE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("every message needs a role");
            };
            messages.add(new ModelCall.Message(role, message.getContent()));
        }
        var limits = request.getLimits();
        int maxAttempts = limits.hasMaxAttempts() ? limits.getMaxAttempts() : defaultMaxAttempts;
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("limits.max_attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT);
        }
        Duration firstTokenTimeout = limits.hasFirstTokenTimeout()
                ? positive(limits.getFirstTokenTimeout(), "limits.first_token_timeout")
                : null;
        Duration idleTimeout =
                limits.hasIdleTimeout() ? positive(limits.getIdleTimeout(), "limits.idle_timeout") : null;
        var execution = new Execution(
                messages,
                maxAttempts,
                firstTokenTimeout,
                idleTimeout,
                System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS));
        var calls = new ArrayList<ModelCall>();
        calls.add(toModelCall(request.getModel(), "model", execution));
        for (int i = 0; i < request.getFallbackModelsCount(); i++) {
            calls.add(toModelCall(request.getFallbackModels(i), "fallback_models[%d]".formatted(i), execution));
        }
        return calls;
    }

    /** What every model of an execution shares. */
    private record Execution(
            List<ModelCall.Message> messages,
            int maxAttempts,
            @Nullable Duration firstTokenTimeout,
            @Nullable Duration idleTimeout,
            long deadlineNanos) {}

    private static ModelCall toModelCall(ModelSpec model, String field, Execution execution) {
        ModelCall.Provider provider = switch (model.getProvider()) {
            case PROVIDER_OPENAI -> ModelCall.Provider.OPENAI;
            case PROVIDER_ANTHROPIC -> ModelCall.Provider.ANTHROPIC;
            case PROVIDER_HUGGINGFACE -> ModelCall.Provider.HUGGINGFACE;
            case PROVIDER_CUSTOM -> ModelCall.Provider.CUSTOM;
            case PROVIDER_ECHO -> ModelCall.Provider.ECHO;
            case PROVIDER_UNSPECIFIED, UNRECOGNIZED ->
                throw new IllegalArgumentException(field + ".provider is required");
        };
        if (provider != ModelCall.Provider.ECHO && model.getModelName().isBlank()) {
            throw new IllegalArgumentException(field + ".model_name is required");
        }
        return new ModelCall(
                provider,
                model.getModelName(),
                emptyToNull(model.getBaseUrl()),
                credential(model.getCredential()),
                execution.messages(),
                sampling(model.getParameters(), field),
                execution.maxAttempts(),
                model.hasFirstTokenTimeout()
                        ? positive(model.getFirstTokenTimeout(), field + ".first_token_timeout")
                        : execution.firstTokenTimeout(),
                model.hasIdleTimeout()
                        ? positive(model.getIdleTimeout(), field + ".idle_timeout")
                        : execution.idleTimeout(),
                execution.deadlineNanos());
    }

    private static Duration positive(com.google.protobuf.Duration value, String field) {
        Duration duration = Duration.ofSeconds(value.getSeconds(), value.getNanos());
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
        return duration;
    }

    private static ModelCall.Sampling sampling(SamplingParameters parameters, String field) {
        if (parameters.hasTemperature() && (parameters.getTemperature() < 0 || parameters.getTemperature() > 2)) {
            throw new IllegalArgumentException(field + ".parameters.temperature must be between 0 and 2");
        }
        if (parameters.hasTopP() && (parameters.getTopP() < 0 || parameters.getTopP() > 1)) {
            throw new IllegalArgumentException(field + ".parameters.top_p must be between 0 and 1");
        }
        if (parameters.hasMaxTokens() && parameters.getMaxTokens() < 1) {
            throw new IllegalArgumentException(field + ".parameters.max_tokens must be at least 1");
        }
        return new ModelCall.Sampling(
                parameters.hasTemperature() ? parameters.getTemperature() : null,
                parameters.hasTopP() ? parameters.getTopP() : null,
                parameters.hasMaxTokens() ? parameters.getMaxTokens() : null,
                parameters.getStopSequencesList());
    }

    private static @Nullable String credential(Credential credential) {
        return switch (credential.getSourceCase()) {
            case API_KEY -> credential.getApiKey();
            case ENV_VAR -> System.getenv(credential.getEnvVar());
            case SOURCE_NOT_SET -> null;
        };
    }

    private static @Nullable String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
