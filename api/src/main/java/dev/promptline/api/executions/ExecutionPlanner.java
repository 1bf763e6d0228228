package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Works out what an execution runs: its prompt version (a number, a label, or the production label's if set, else the
 * newest), its model (the request's or the version's, enabled), the parameters in effect (the model's, overridden by
 * the version's, then the request's), the messages (the rendered ones, then the request's own) and the deadline. A
 * request without a prompt runs its model with its own messages and the model's parameters under the request's.
 * Every refusal happens here, before anything is written.
 */
@Component
class ExecutionPlanner {
    private static final String DEFAULT_LABEL = "production";

    private final PromptService prompts;
    private final ModelService models;
    private final ExecutionProperties properties;

    ExecutionPlanner(PromptService prompts, ModelService models, ExecutionProperties properties) {
        this.prompts = prompts;
        this.models = models;
        this.properties = properties;
    }

    ExecutionPlan plan(ExecutionRequest request) {
        Duration timeout = timeout(request.timeout());
        if (request.promptId() == null) {
            Model model = model(request, null);
            ModelParameters parameters = model.parameters().overriddenBy(request.parameters());
            return new ExecutionPlan(
                    request.organizationId(),
                    null,
                    model,
                    new ExecutionInput(Map.of(), parameters, request.messages()),
                    request.messages(),
                    timeout);
        }
        PromptService.Resolved resolved = resolve(request, request.promptId());
        Model model = model(request, resolved.version().modelId());
        ModelParameters parameters =
                model.parameters().overriddenBy(resolved.version().parameters()).overriddenBy(request.parameters());
        var messages = new ArrayList<>(prompts.render(resolved.version(), request.variables()));
        messages.addAll(request.messages());
        return new ExecutionPlan(
                request.organizationId(),
                resolved.version(),
                model,
                new ExecutionInput(request.variables(), parameters, request.messages()),
                messages,
                timeout);
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

    private PromptService.Resolved resolve(ExecutionRequest request, PromptId promptId) {
        if (request.version() != null || request.label() != null) {
            return prompts.get(
                    request.organizationId(), promptId, new PromptService.Selector(request.version(), request.label()));
        }
        PromptService.Resolved latest =
                prompts.get(request.organizationId(), promptId, new PromptService.Selector(null, null));
        return latest.prompt().labels().containsKey(DEFAULT_LABEL)
                ? prompts.get(request.organizationId(), promptId, new PromptService.Selector(null, DEFAULT_LABEL))
                : latest;
    }

    private Model model(ExecutionRequest request, @Nullable UUID versions) {
        UUID requested = request.modelId();
        UUID id = requested != null ? requested : versions;
        if (id == null) {
            throw PromptlineException.invalidField(
                    "#/modelId", "is required: this prompt version names no model, so say which one to run it on");
        }
        Model model = models.find(request.organizationId(), new ModelId(id))
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
}
