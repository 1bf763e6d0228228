package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptVersion;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An execution worked out and checked, before anything is written: the version and model it runs, what it was asked
 * to run with, the messages rendered from them, and its deadline.
 *
 * @param version null for a model called with the caller's messages and no prompt
 */
record ExecutionPlan(
        OrganizationId organizationId,
        @Nullable PromptVersion version,
        Model model,
        ExecutionInput input,
        List<ChatMessage> messages,
        Duration timeout) {

    /** The same plan with its output capped at {@code maxTokens}. */
    ExecutionPlan withMaxTokens(int maxTokens) {
        var capped = input.parameters().overriddenBy(new ModelParameters(null, null, maxTokens, null));
        return new ExecutionPlan(
                organizationId,
                version,
                model,
                new ExecutionInput(input.variables(), capped, input.messages()),
                messages,
                timeout);
    }
}
