package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ProviderCredential;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import dev.promptline.runtime.v1.SamplingParameters;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Domain to proto for the runtime's Execute request; proto types stay in this package. */
final class RuntimeRequests {
    private RuntimeRequests() {}

    /**
     * The request of a planned execution: its model, then its fallbacks in order, each with its credential and its
     * timeouts (the request's, else the model's own).
     *
     * @param credentials the decrypted credential of a model
     */
    static ExecuteRequest execute(
            Execution execution, ExecutionPlan plan, Function<Model, ProviderCredential> credentials) {
        var request = execute(
                execution,
                plan.model(),
                credentials.apply(plan.model()),
                plan.messages(),
                plan.input().parameters())
                .toBuilder();
        request.setModel(withTimeouts(request.getModel(), plan.model(), plan.timeouts()));
        for (ExecutionPlan.Fallback fallback : plan.fallbacks()) {
            request.addFallbackModels(withTimeouts(
                    spec(fallback.model(), credentials.apply(fallback.model()), fallback.parameters()),
                    fallback.model(),
                    plan.timeouts()));
        }
        return request.build();
    }

    private static ModelSpec withTimeouts(ModelSpec spec, Model model, ExecutionPlan.Timeouts requested) {
        var builder = spec.toBuilder();
        Duration firstToken = requested.firstToken() != null
                ? requested.firstToken()
                : model.timeouts().firstToken();
        Duration idle =
                requested.idle() != null ? requested.idle() : model.timeouts().idle();
        if (firstToken != null) {
            builder.setFirstTokenTimeout(duration(firstToken));
        }
        if (idle != null) {
            builder.setIdleTimeout(duration(idle));
        }
        return builder.build();
    }

    static ExecuteRequest execute(
            Execution execution,
            Model model,
            ProviderCredential credential,
            List<ChatMessage> messages,
            ModelParameters parameters) {
        var request = ExecuteRequest.newBuilder()
                .setExecutionId(execution.id().toString())
                .setModel(spec(model, credential, parameters));
        if (execution.requestId() != null) {
            request.setRequestId(execution.requestId());
        }
        for (ChatMessage message : messages) {
            request.addMessages(dev.promptline.runtime.v1.ChatMessage.newBuilder()
                    .setRole(role(message.role()))
                    .setContent(message.content()));
        }
        return request.build();
    }

    private static ModelSpec spec(Model model, ProviderCredential credential, ModelParameters parameters) {
        var spec = ModelSpec.newBuilder()
                .setProvider(provider(model))
                .setModelName(model.providerModelId())
                .setParameters(sampling(parameters));
        if (model.baseUrl() != null) {
            spec.setBaseUrl(model.baseUrl().toString());
        }
        if (credential.apiKey() != null) {
            spec.setCredential(Credential.newBuilder().setApiKey(credential.apiKey()));
        } else if (credential.envVar() != null) {
            spec.setCredential(Credential.newBuilder().setEnvVar(credential.envVar()));
        }
        return spec.build();
    }

    private static com.google.protobuf.Duration duration(Duration duration) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(duration.getSeconds())
                .setNanos(duration.getNano())
                .build();
    }

    private static Provider provider(Model model) {
        return switch (model.provider()) {
            case OPENAI -> Provider.PROVIDER_OPENAI;
            case ANTHROPIC -> Provider.PROVIDER_ANTHROPIC;
            case HUGGINGFACE -> Provider.PROVIDER_HUGGINGFACE;
            case CUSTOM -> Provider.PROVIDER_CUSTOM;
            case ECHO -> Provider.PROVIDER_ECHO;
        };
    }

    private static Role role(String role) {
        return switch (role) {
            case "system" -> Role.ROLE_SYSTEM;
            case "assistant" -> Role.ROLE_ASSISTANT;
            default -> Role.ROLE_USER;
        };
    }

    private static SamplingParameters sampling(ModelParameters parameters) {
        var sampling = SamplingParameters.newBuilder();
        if (parameters.temperature() != null) {
            sampling.setTemperature(parameters.temperature());
        }
        if (parameters.topP() != null) {
            sampling.setTopP(parameters.topP());
        }
        if (parameters.maxTokens() != null) {
            sampling.setMaxTokens(parameters.maxTokens());
        }
        if (parameters.stop() != null) {
            sampling.addAllStopSequences(parameters.stop());
        }
        return sampling.build();
    }
}
