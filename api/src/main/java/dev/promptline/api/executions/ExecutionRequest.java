package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.prompts.PromptId;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What to run: a prompt of an organization, which of its versions, on which model, with what. An API request makes one
 * from its caller; other features (an experiment running a dataset) make one of their own, with no HTTP request.
 *
 * @param initiatedBy the user it runs for, written on the record; null for the service's own work
 * @param version a version number; with {@code label}, null, the production label if set, else the newest
 * @param modelId a model to use instead of the version's
 * @param parameters sampling parameters over the model's and the version's
 * @param timeout the execution's deadline; null for the configured default
 * @param idempotency a key that makes a retry return the first execution instead of running again
 * @param experimentId the experiment this execution runs for, written on the record so that views of production
 *     traffic can leave experiments out; null for everything else
 */
public record ExecutionRequest(
        OrganizationId organizationId,
        @Nullable UserId initiatedBy,
        PromptId promptId,
        @Nullable Integer version,
        @Nullable String label,
        Map<String, String> variables,
        @Nullable UUID modelId,
        ModelParameters parameters,
        @Nullable Duration timeout,
        @Nullable Idempotency idempotency,
        @Nullable UUID experimentId) {
    /**
     * @param fingerprint what the request asked for: the same key sent with another request is refused
     */
    public record Idempotency(String key, String fingerprint) {
        public Idempotency {
            requireNonNull(key, "key is null");
            requireNonNull(fingerprint, "fingerprint is null");
        }
    }

    public ExecutionRequest {
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(promptId, "promptId is null");
        requireNonNull(variables, "variables is null");
        requireNonNull(parameters, "parameters is null");
    }

    /** A request that belongs to no experiment: what an API caller sends. */
    public ExecutionRequest(
            OrganizationId organizationId,
            @Nullable UserId initiatedBy,
            PromptId promptId,
            @Nullable Integer version,
            @Nullable String label,
            Map<String, String> variables,
            @Nullable UUID modelId,
            ModelParameters parameters,
            @Nullable Duration timeout,
            @Nullable Idempotency idempotency) {
        this(
                organizationId,
                initiatedBy,
                promptId,
                version,
                label,
                variables,
                modelId,
                parameters,
                timeout,
                idempotency,
                null);
    }

    /** The newest version (or the production label's) with the version's own model, parameters and deadline. */
    public static ExecutionRequest of(OrganizationId organizationId, PromptId promptId, Map<String, String> variables) {
        return new ExecutionRequest(
                organizationId, null, promptId, null, null, variables, null, ModelParameters.NONE, null, null);
    }
}
