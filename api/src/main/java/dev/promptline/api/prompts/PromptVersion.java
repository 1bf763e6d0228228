package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An immutable version of a prompt, numbered 1, 2, 3, ... per prompt.
 *
 * @param fallbackModelIds registered models its executions fall back to, in order, when its model fails in a
 *     retryable way; empty for none
 * @param cacheTtl how long its executions' answers are kept and served again (the response cache); null for not at
 *     all, unless a request asks
 */
public record PromptVersion(
        UUID id,
        PromptId promptId,
        int version,
        PromptTemplate template,
        List<String> variables,
        @Nullable UUID modelId,
        ModelParameters parameters,
        List<UUID> fallbackModelIds,
        @Nullable Duration cacheTtl,
        String commitMessage,
        @Nullable UserId createdBy,
        Instant createdAt) {
    public PromptVersion {
        requireNonNull(id, "id is null");
        requireNonNull(promptId, "promptId is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        requireNonNull(template, "template is null");
        variables = List.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(parameters, "parameters is null");
        // Null in versions cached before versions had fallbacks.
        fallbackModelIds = fallbackModelIds == null ? List.of() : List.copyOf(fallbackModelIds);
        requireNonNull(commitMessage, "commitMessage is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
