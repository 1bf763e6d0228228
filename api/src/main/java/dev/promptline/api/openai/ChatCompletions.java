package dev.promptline.api.openai;

import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.FinishReason;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Turns a chat completion request into the execution core's request (its {@code model} resolved to a prompt of the
 * caller's organization or to a registered model), and a finished execution into OpenAI's {@code chat.completion}.
 */
@Component
class ChatCompletions {
    static final String EXECUTION_ID_HEADER = "x-promptline-execution-id";

    private final PromptService prompts;
    private final ModelService models;

    ChatCompletions(PromptService prompts, ModelService models) {
        this.prompts = prompts;
        this.models = models;
    }

    ExecutionRequest toExecution(
            Caller caller, ChatCompletionRequest request, ExecutionRequest.@Nullable Idempotency idempotency) {
        return withGateway(
                caller,
                toExecution(
                        caller,
                        request.model(),
                        request.reference(),
                        null,
                        request.messages(),
                        request.variables(),
                        request.parameters(),
                        idempotency),
                request.gateway());
    }

    ExecutionRequest toExecution(
            Caller caller, ResponsesRequest request, ExecutionRequest.@Nullable Idempotency idempotency) {
        return withGateway(
                caller,
                toExecution(
                        caller,
                        request.model(),
                        request.reference(),
                        request.runOn(),
                        request.messages(),
                        request.variables(),
                        request.parameters(),
                        idempotency),
                request.gateway());
    }

    /** The request with its gateway fields: fallback models by name, attempt timeouts, cache and split key. */
    private ExecutionRequest withGateway(Caller caller, ExecutionRequest execution, GatewayFields gateway) {
        var routing = gateway.routing();
        List<String> fallbackNames = routing.fallbackModels();
        List<UUID> fallbacks = null;
        if (fallbackNames != null) {
            fallbacks = new ArrayList<>();
            for (String name : fallbackNames) {
                fallbacks.add(models.findByName(caller.organizationId(), name)
                        .orElseThrow(() -> ChatCompletionRequest.invalid(
                                "fallback_models",
                                "No model named '%s' is registered in this organization.".formatted(name)))
                        .id()
                        .value());
            }
        }
        ExecutionRequest routed = execution
                .withRouting(
                        new ExecutionRequest.Routing(fallbacks, routing.firstTokenTimeout(), routing.idleTimeout()))
                .withSplitKey(gateway.splitKey());
        return gateway.cacheTtl() == null ? routed : routed.withCacheTtl(gateway.cacheTtl());
    }

    /**
     * @param model what the client named, for messages
     * @param runOn a registered model's name to run a prompt on instead of its version's model; null for the version's
     */
    private ExecutionRequest toExecution(
            Caller caller,
            String model,
            ModelReference reference,
            @Nullable String runOn,
            List<ChatMessage> messages,
            Map<String, String> variables,
            ModelParameters parameters,
            ExecutionRequest.@Nullable Idempotency idempotency) {
        return switch (reference) {
            case ModelReference.Prompt prompt -> {
                PromptService.Resolved resolved;
                try {
                    resolved = prompts.getByName(
                            caller, prompt.name(), new PromptService.Selector(prompt.version(), prompt.label()));
                } catch (PromptlineException e) {
                    if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                        throw modelNotFound(model, e.getMessage());
                    }
                    throw e;
                }
                yield new ExecutionRequest(
                        caller.organizationId(),
                        caller.userId(),
                        resolved.prompt().id(),
                        prompt.version(),
                        prompt.label(),
                        variables,
                        runOn == null
                                ? null
                                : registered(caller, runOn, runOn).id().value(),
                        parameters,
                        null,
                        idempotency,
                        null,
                        messages);
            }
            case ModelReference.Registered registered ->
                ExecutionRequest.ofModel(
                        caller.organizationId(),
                        caller.userId(),
                        registered(caller, model, registered.name()).id().value(),
                        messages,
                        parameters,
                        idempotency);
        };
    }

    private Model registered(Caller caller, String model, String name) {
        return models.findByName(caller.organizationId(), name)
                .orElseThrow(() -> modelNotFound(
                        model,
                        "No model named '%s' is registered in this organization; a saved prompt is named"
                                        .formatted(name)
                                + " prompt:<name>."));
    }

    /** A successful execution as OpenAI's {@code chat.completion}. */
    static Map<String, Object> completion(Execution execution, String model) {
        var message = new LinkedHashMap<String, @Nullable Object>();
        message.put("role", "assistant");
        message.put("content", execution.output() == null ? "" : execution.output());
        message.put("refusal", null);
        var choice = new LinkedHashMap<String, @Nullable Object>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason(execution));
        var completion = new LinkedHashMap<String, Object>();
        completion.put("id", completionId(execution));
        completion.put("object", "chat.completion");
        completion.put("created", execution.createdAt().getEpochSecond());
        completion.put("model", model);
        completion.put("choices", List.of(choice));
        completion.put("usage", usage(execution));
        return completion;
    }

    static String completionId(Execution execution) {
        return "chatcmpl-" + execution.id();
    }

    static String finishReason(Execution execution) {
        FinishReason reason = execution.finishReason();
        return switch (reason == null ? FinishReason.STOP : reason) {
            case STOP, OTHER -> "stop";
            case LENGTH -> "length";
            case CONTENT_FILTER -> "content_filter";
        };
    }

    static Map<String, Integer> usage(Execution execution) {
        int input = execution.tokensInput() == null ? 0 : execution.tokensInput();
        int output = execution.tokensOutput() == null ? 0 : execution.tokensOutput();
        var usage = new LinkedHashMap<String, Integer>();
        usage.put("prompt_tokens", input);
        usage.put("completion_tokens", output);
        usage.put("total_tokens", input + output);
        return usage;
    }

    private static OpenAiException modelNotFound(String model, String detail) {
        return new OpenAiException(new OpenAiError(
                404,
                "The model '%s' does not exist: %s".formatted(model, detail),
                OpenAiErrors.INVALID_REQUEST,
                "model",
                "model_not_found"));
    }
}
