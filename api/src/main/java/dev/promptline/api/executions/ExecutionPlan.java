package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.LabelRoute;
import dev.promptline.api.prompts.PromptVersion;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An execution worked out and checked, before anything is written: the version and model it runs, what it was asked
 * to run with, the messages rendered from them, the models it falls back to, and its deadline and timeouts.
 *
 * @param version null for a model called with the caller's messages and no prompt
 * @param fallbacks the models tried, in order, when the one before failed in a retryable way
 * @param route the label the version was resolved through, and the traffic split that picked it; null otherwise
 */
record ExecutionPlan(
        OrganizationId organizationId,
        @Nullable PromptVersion version,
        Model model,
        ExecutionInput input,
        List<ChatMessage> messages,
        Duration timeout,
        List<Fallback> fallbacks,
        Timeouts timeouts,
        @Nullable LabelRoute route) {
    ExecutionPlan {
        fallbacks = List.copyOf(fallbacks);
    }

    /** A fallback model, with the parameters in effect on it (its own, under the version's and the request's). */
    record Fallback(Model model, ModelParameters parameters) {}

    /**
     * The request's timeouts of each attempt, over each model's own; null leaves the model's (or none).
     *
     * @param firstToken longest wait for an attempt's first token
     * @param idle longest wait between two tokens once the first came
     */
    record Timeouts(@Nullable Duration firstToken, @Nullable Duration idle) {
        static final Timeouts NONE = new Timeouts(null, null);
    }

    /** The model at {@code index} of the runtime's list: 0 for the plan's model, n for its n-th fallback. */
    Model modelAt(int index) {
        return index <= 0 || index > fallbacks.size()
                ? model
                : fallbacks.get(index - 1).model();
    }

    /** The fallbacks' ids, in order. */
    List<UUID> fallbackModelIds() {
        return fallbacks.stream().map(fallback -> fallback.model().id().value()).toList();
    }

    /**
     * The same plan with the output of its model and of each fallback capped at {@code maxTokens} wherever nothing
     * else limited it.
     */
    ExecutionPlan withDefaultMaxTokens(int maxTokens) {
        return new ExecutionPlan(
                organizationId,
                version,
                model,
                new ExecutionInput(input.variables(), capped(input.parameters(), maxTokens), input.messages()),
                messages,
                timeout,
                fallbacks.stream()
                        .map(fallback -> new Fallback(fallback.model(), capped(fallback.parameters(), maxTokens)))
                        .toList(),
                timeouts,
                route);
    }

    private static ModelParameters capped(ModelParameters parameters, int maxTokens) {
        return parameters.maxTokens() != null
                ? parameters
                : parameters.overriddenBy(new ModelParameters(null, null, maxTokens, null));
    }
}
