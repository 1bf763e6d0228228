package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What to run: a prompt of an organization, which of its versions, on which model, with what. An API request makes one
 * from its caller; other features (an experiment running a dataset) make one of their own, with no HTTP request. A
 * request may also name no prompt at all, only a model and the messages to send it ({@link #ofModel}): a gateway call
 * through the OpenAI-compatible API, recorded with its model and no prompt version.
 *
 * @param promptId the prompt to run; null for a model called with {@code messages} alone
 * @param initiatedBy the user it runs for, written on the record; null for the service's own work
 * @param version a version number; with {@code label}, null, the production label if set, else the newest
 * @param modelId a model to use instead of the version's
 * @param parameters sampling parameters over the model's and the version's
 * @param timeout the execution's deadline; null for the configured default
 * @param idempotency a key that makes a retry return the first execution instead of running again
 * @param experimentId the experiment this execution runs for, written on the record so that views of production
 *     traffic can leave experiments out; null for everything else
 * @param messages messages sent after the prompt's rendered ones (the caller's turns); without a prompt, the whole
 *     conversation
 * @param routing fallback models and timeouts of this request, over the version's and the models' own
 * @param cacheTtl how long this request's answer may be kept for the same request (an exact match of everything that
 *     changes the answer), and whether an answer kept for it may be served; null for neither
 * @param splitKey the caller's key (a user or session id) for a label's traffic split: the same key always runs the
 *     same arm of a split; null for an arm picked at random by weight
 */
public record ExecutionRequest(
        OrganizationId organizationId,
        @Nullable UserId initiatedBy,
        @Nullable PromptId promptId,
        @Nullable Integer version,
        @Nullable String label,
        Map<String, String> variables,
        @Nullable UUID modelId,
        ModelParameters parameters,
        @Nullable Duration timeout,
        @Nullable Idempotency idempotency,
        @Nullable UUID experimentId,
        List<ChatMessage> messages,
        Routing routing,
        @Nullable Duration cacheTtl,
        @Nullable String splitKey) {
    /**
     * What a request says about the models it may fall back to and the timeouts of each attempt.
     *
     * @param fallbackModelIds registered models to try, in order, when the model fails in a retryable way (429, 5xx,
     *     a broken connection, no first token in time); null for the prompt version's, empty for none
     * @param firstTokenTimeout longest wait for each attempt's first token, over each model's own; null for the
     *     models' own, else none
     * @param idleTimeout longest wait between two tokens, over each model's own; null for the models' own, else none
     */
    public record Routing(
            @Nullable List<UUID> fallbackModelIds,
            @Nullable Duration firstTokenTimeout,
            @Nullable Duration idleTimeout) {
        public static final Routing NONE = new Routing(null, null, null);

        public Routing {
            fallbackModelIds = fallbackModelIds == null ? null : List.copyOf(fallbackModelIds);
        }
    }

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
        requireNonNull(variables, "variables is null");
        requireNonNull(parameters, "parameters is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
        requireNonNull(routing, "routing is null");
        if (promptId == null) {
            if (modelId == null || messages.isEmpty()) {
                throw new IllegalArgumentException("Without a prompt, a request needs a model and messages");
            }
            if (version != null || label != null || !variables.isEmpty()) {
                throw new IllegalArgumentException("Without a prompt, a request has no version, label or variables");
            }
        }
    }

    /** A request with the version's and the models' own fallbacks and timeouts. */
    public ExecutionRequest(
            OrganizationId organizationId,
            @Nullable UserId initiatedBy,
            @Nullable PromptId promptId,
            @Nullable Integer version,
            @Nullable String label,
            Map<String, String> variables,
            @Nullable UUID modelId,
            ModelParameters parameters,
            @Nullable Duration timeout,
            @Nullable Idempotency idempotency,
            @Nullable UUID experimentId,
            List<ChatMessage> messages) {
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
                experimentId,
                messages,
                Routing.NONE,
                null,
                null);
    }

    /** This request with its own fallbacks and timeouts. */
    public ExecutionRequest withRouting(Routing routing) {
        return new ExecutionRequest(
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
                experimentId,
                messages,
                routing,
                cacheTtl,
                splitKey);
    }

    /** This request with its answer kept (and served from what was kept) for {@code ttl}. */
    public ExecutionRequest withCacheTtl(Duration ttl) {
        return new ExecutionRequest(
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
                experimentId,
                messages,
                routing,
                requireNonNull(ttl, "ttl is null"),
                splitKey);
    }

    /** This request with the caller's key for a traffic split; null for a weighted random arm. */
    public ExecutionRequest withSplitKey(@Nullable String key) {
        return new ExecutionRequest(
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
                experimentId,
                messages,
                routing,
                cacheTtl,
                key);
    }

    /** A request of an experiment, with the prompt's messages alone. */
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
            @Nullable Idempotency idempotency,
            @Nullable UUID experimentId) {
        this(
                organizationId,
                initiatedBy,
                requireNonNull(promptId, "promptId is null"),
                version,
                label,
                variables,
                modelId,
                parameters,
                timeout,
                idempotency,
                experimentId,
                List.of());
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

    /** A model called with the caller's messages and no prompt: recorded with the model and no prompt version. */
    public static ExecutionRequest ofModel(
            OrganizationId organizationId,
            @Nullable UserId initiatedBy,
            UUID modelId,
            List<ChatMessage> messages,
            ModelParameters parameters,
            @Nullable Idempotency idempotency) {
        return new ExecutionRequest(
                organizationId,
                initiatedBy,
                null,
                null,
                null,
                Map.of(),
                requireNonNull(modelId, "modelId is null"),
                parameters,
                null,
                idempotency,
                null,
                messages);
    }

    /** The newest version (or the production label's) with the version's own model, parameters and deadline. */
    public static ExecutionRequest of(OrganizationId organizationId, PromptId promptId, Map<String, String> variables) {
        return new ExecutionRequest(
                organizationId, null, promptId, null, null, variables, null, ModelParameters.NONE, null, null);
    }
}
