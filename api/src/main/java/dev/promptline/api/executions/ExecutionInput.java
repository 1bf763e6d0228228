package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an execution was asked to run with: the template's variables and the sampling parameters in effect (the
 * model's defaults, overridden by the version's, then by the request's). With the immutable version, enough to run it
 * again.
 */
public record ExecutionInput(Map<String, String> variables, ModelParameters parameters) {
    public ExecutionInput {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(variables, "variables is null")));
        requireNonNull(parameters, "parameters is null");
    }
}
