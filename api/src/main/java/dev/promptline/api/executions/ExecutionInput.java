package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an execution was asked to run with: the template's variables and the sampling parameters in effect (the
 * model's defaults, overridden by the version's, then by the request's), and the caller's own messages, sent after the
 * prompt's (or alone, for a model called without a prompt). With the immutable version, enough to run it again.
 */
public record ExecutionInput(Map<String, String> variables, ModelParameters parameters, List<ChatMessage> messages) {
    public ExecutionInput {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(variables, "variables is null")));
        requireNonNull(parameters, "parameters is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
    }

    /** The input of a prompt run with its own messages alone. */
    public ExecutionInput(Map<String, String> variables, ModelParameters parameters) {
        this(variables, parameters, List.of());
    }
}
