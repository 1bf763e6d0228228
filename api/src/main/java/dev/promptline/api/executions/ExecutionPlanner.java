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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Works out what an execution runs: its prompt version (a number, a label, or the production label's if set, else the
 * newest), its model (the request's or the version's, enabled), the parameters in effect (the model's, overridden by
 * the version's, then the request's), the messages (the rendered ones, then the request's own) and the deadline. A
 * request without a prompt runs its model with its own messages and the model's parameters under the request's.
 * Its fallbacks are the request's if it names any (an empty list for none), else the version's; each runs with its own
 * parameters under the version's and the request's. A fallback the version names that was disabled or deleted since
 * is skipped: the version cannot change, and its main model still runs. A label with a traffic split runs the version
 * of one of its arms. Every refusal happens here, before anything is written.
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
        ExecutionPlan.Timeouts timeouts = new ExecutionPlan.Timeouts(
                attemptTimeout(request.routing().firstTokenTimeout(), timeout, "#/firstTokenTimeout"),
                attemptTimeout(request.routing().idleTimeout(), timeout, "#/idleTimeout"));
        if (request.promptId() == null) {
            Model model = model(request, null);
            ModelParameters parameters = model.parameters().overriddenBy(request.parameters());
            return new ExecutionPlan(
                    request.organizationId(),
                    null,
                    model,
                    new ExecutionInput(Map.of(), parameters, request.messages()),
                    request.messages(),
                    timeout,
                    fallbacks(request, model, List.of(), ModelParameters.NONE),
                    timeouts,
                    null);
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
                timeout,
                fallbacks(
                        request,
                        model,
                        resolved.version().fallbackModelIds(),
                        resolved.version().parameters()),
                timeouts,
                resolved.route());
    }

    /**
     * The fallbacks in order: the request's (each must be an enabled model of the organization), else the version's
     * that are still enabled. The model itself is never its own fallback.
     */
    private List<ExecutionPlan.Fallback> fallbacks(
            ExecutionRequest request, Model model, List<UUID> versions, ModelParameters versionParameters) {
        List<UUID> requested = request.routing().fallbackModelIds();
        var fallbacks = new ArrayList<ExecutionPlan.Fallback>();
        if (requested != null) {
            if (requested.size() > PromptService.MAX_FALLBACK_MODELS) {
                throw PromptlineException.invalidField(
                        "#/fallbackModelIds", "holds at most %d models".formatted(PromptService.MAX_FALLBACK_MODELS));
            }
            for (int i = 0; i < requested.size(); i++) {
                String pointer = "#/fallbackModelIds/" + i;
                UUID id = requested.get(i);
                if (id.equals(model.id().value()) || requested.indexOf(id) != i) {
                    throw PromptlineException.invalidField(pointer, "names a model already tried before it");
                }
                Model fallback = models.find(request.organizationId(), new ModelId(id))
                        .orElseThrow(
                                () -> PromptlineException.invalidField(pointer, "is not a model of this organization"));
                if (!fallback.enabled()) {
                    throw PromptlineException.invalidField(pointer, "is disabled");
                }
                fallbacks.add(fallback(fallback, versionParameters, request));
            }
            return fallbacks;
        }
        for (UUID id : versions) {
            if (id.equals(model.id().value())) {
                continue;
            }
            models.find(request.organizationId(), new ModelId(id))
                    .filter(Model::enabled)
                    .ifPresent(fallback -> fallbacks.add(fallback(fallback, versionParameters, request)));
        }
        return fallbacks;
    }

    private static ExecutionPlan.Fallback fallback(
            Model fallback, ModelParameters versionParameters, ExecutionRequest request) {
        return new ExecutionPlan.Fallback(
                fallback, fallback.parameters().overriddenBy(versionParameters).overriddenBy(request.parameters()));
    }

    /** A request's timeout of each attempt: positive, and no longer than its deadline, where it could not bite. */
    private static @Nullable Duration attemptTimeout(@Nullable Duration requested, Duration deadline, String pointer) {
        if (requested != null && (requested.isNegative() || requested.isZero() || requested.compareTo(deadline) > 0)) {
            throw PromptlineException.invalidField(
                    pointer,
                    "must be positive and at most the execution's timeout (%ss)".formatted(deadline.toSeconds()));
        }
        return requested;
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

    /** A label with a traffic split sends the execution to one of its arms (the request's split key's, if any). */
    private PromptService.Resolved resolve(ExecutionRequest request, PromptId promptId) {
        if (request.version() != null || request.label() != null) {
            return prompts.route(
                    request.organizationId(),
                    promptId,
                    new PromptService.Selector(request.version(), request.label()),
                    request.splitKey());
        }
        PromptService.Resolved latest =
                prompts.get(request.organizationId(), promptId, new PromptService.Selector(null, null));
        return latest.prompt().labels().containsKey(DEFAULT_LABEL)
                ? prompts.route(
                        request.organizationId(),
                        promptId,
                        new PromptService.Selector(null, DEFAULT_LABEL),
                        request.splitKey())
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
