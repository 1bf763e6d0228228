package dev.promptline.runtime.grpc;

import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.ExecuteRequest;
import java.util.ArrayList;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Proto to domain for requests; a request that breaks the contract is an IllegalArgumentException. */
final class ExecuteRequestMapper {
    private ExecuteRequestMapper() {}

    static ModelCall toModelCall(ExecuteRequest request) {
        if (request.getExecutionId().isBlank()) {
            throw new IllegalArgumentException("execution_id is required");
        }
        if (request.getMessagesCount() == 0) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        var model = request.getModel();
        ModelCall.Provider provider = switch (model.getProvider()) {
            case PROVIDER_OPENAI -> ModelCall.Provider.OPENAI;
            case PROVIDER_ANTHROPIC -> ModelCall.Provider.ANTHROPIC;
            case PROVIDER_HUGGINGFACE -> ModelCall.Provider.HUGGINGFACE;
            case PROVIDER_CUSTOM -> ModelCall.Provider.CUSTOM;
            case PROVIDER_ECHO -> ModelCall.Provider.ECHO;
            case PROVIDER_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("model.provider is required");
        };
        var messages = new ArrayList<ModelCall.Message>();
        for (ChatMessage message : request.getMessagesList()) {
            String role = switch (message.getRole()) {
                case ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT ->
                    message.getRole().name().substring("ROLE_".length()).toLowerCase(Locale.ROOT);
                case ROLE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("every message needs a role");
            };
            messages.add(new ModelCall.Message(role, message.getContent()));
        }
        return new ModelCall(
                provider, model.getModelName(), emptyToNull(model.getBaseUrl()), credential(request), messages);
    }

    private static @Nullable String credential(ExecuteRequest request) {
        var credential = request.getModel().getCredential();
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
