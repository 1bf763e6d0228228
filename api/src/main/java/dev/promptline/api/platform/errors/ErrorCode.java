package dev.promptline.api.platform.errors;

import java.net.URI;
import java.util.Locale;

/**
 * The catalogue of every error the API returns. The name is the stable machine-readable {@code code} of a problem
 * detail and the source of its {@code type} URI, so neither may change once released.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "Invalid request", Category.CLIENT),
    MALFORMED_REQUEST_BODY(400, "Malformed request body", Category.CLIENT),
    INVALID_PARAMETER(400, "Invalid parameter", Category.CLIENT),
    INVALID_UPLOAD(400, "Invalid upload", Category.CLIENT),
    UNAUTHENTICATED(401, "Authentication required", Category.CLIENT),
    FORBIDDEN(403, "Not allowed", Category.CLIENT),
    RESOURCE_NOT_FOUND(404, "Resource not found", Category.CLIENT),
    METHOD_NOT_ALLOWED(405, "Method not allowed", Category.CLIENT),
    USER_EMAIL_TAKEN(409, "E-mail already in use", Category.CLIENT),
    LAST_OWNER(409, "An organization needs an owner", Category.CLIENT),
    ORGANIZATION_SLUG_TAKEN(409, "Organization slug already in use", Category.CLIENT),
    MODEL_NAME_TAKEN(409, "Model name already in use", Category.CLIENT),
    MODEL_IN_USE(409, "Model in use", Category.CLIENT),
    PROMPT_NAME_TAKEN(409, "Prompt name already in use", Category.CLIENT),
    DATASET_NAME_TAKEN(409, "Dataset name already in use", Category.CLIENT),
    EVALUATOR_NAME_TAKEN(409, "Evaluator name already in use", Category.CLIENT),
    BENCHMARK_NAME_TAKEN(409, "Benchmark name already in use", Category.CLIENT),
    VERSION_CONFLICT(409, "Stale base version", Category.CLIENT),
    LABEL_POLICY_REFUSED(409, "The label's policy refuses this version", Category.CLIENT),
    CONFLICT(409, "Conflicts with stored data", Category.CLIENT),
    CREDENTIALS_NOT_CONFIGURED(422, "Credential encryption not configured", Category.CLIENT),
    MODEL_DISABLED(422, "Model is disabled", Category.CLIENT),
    EVALUATOR_UNAVAILABLE(422, "Evaluator cannot run", Category.CLIENT),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency-Key reused for another request", Category.CLIENT),
    EXECUTION_FINISHED(409, "Execution already finished", Category.CLIENT),
    EXECUTION_CANCELLED(409, "Execution cancelled", Category.CLIENT),
    EXPERIMENT_FINISHED(409, "Experiment already finished", Category.CLIENT),
    EXPERIMENT_NOT_FINISHED(409, "Experiment not finished", Category.CLIENT),
    PROVIDER_REJECTED(422, "The provider refused the request", Category.CLIENT),
    PROVIDER_RATE_LIMITED(429, "The provider is rate limiting", Category.CLIENT),
    NOT_ACCEPTABLE(406, "Not acceptable", Category.CLIENT),
    FORBIDDEN_ORIGIN(403, "Cross-origin request refused", Category.CLIENT),
    PAYLOAD_TOO_LARGE(413, "Payload too large", Category.CLIENT),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", Category.CLIENT),
    RATE_LIMITED(429, "Too many requests", Category.CLIENT),
    BUDGET_EXCEEDED(402, "Budget exceeded", Category.CLIENT),
    DATABASE_UNAVAILABLE(503, "Database unavailable", Category.DEPENDENCY),
    RUNTIME_UNAVAILABLE(503, "Agent runtime unavailable", Category.DEPENDENCY),
    SERVICE_SHUTTING_DOWN(503, "Service shutting down", Category.DEPENDENCY),
    PROVIDER_UNAVAILABLE(502, "The provider failed", Category.DEPENDENCY),
    EXECUTION_TIMED_OUT(504, "Execution timed out", Category.DEPENDENCY),
    EXECUTION_FAILED(500, "Execution failed in the runtime", Category.SERVER),
    INTERNAL(500, "Internal error", Category.SERVER);

    /** Who has to act: the caller, us, or whoever runs a dependency. Drives log levels and alerting. */
    public enum Category {
        CLIENT,
        SERVER,
        DEPENDENCY
    }

    private static final String TYPE_BASE = "https://promptline.dev/problems/";

    private final int status;
    private final String title;
    private final Category category;

    ErrorCode(int status, String title, Category category) {
        this.status = status;
        this.title = title;
        this.category = category;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Category category() {
        return category;
    }

    public URI type() {
        return URI.create(TYPE_BASE + name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
}
