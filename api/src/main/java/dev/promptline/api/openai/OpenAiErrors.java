package dev.promptline.api.openai;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.FieldViolation;
import dev.promptline.api.platform.errors.PromptlineException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the service's errors become OpenAI's: each {@link ErrorCode} gets its HTTP status (the
 * catalogue's own), an OpenAI error {@code type}, and a {@code code} (OpenAI's own where one means the same, such as
 * {@code invalid_api_key}, else the catalogue's name in lower case). The switch is exhaustive on purpose: a new entry
 * of the catalogue does not compile until it is mapped here.
 */
final class OpenAiErrors {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String AUTHENTICATION = "authentication_error";
    static final String PERMISSION = "permission_error";
    static final String RATE_LIMIT = "rate_limit_error";
    static final String SERVER = "server_error";
    /** OpenAI's type and code for a spent quota: a 429 that no retry can help until the quota resets. */
    static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    private OpenAiErrors() {}

    static OpenAiError of(PromptlineException exception) {
        if (!exception.violations().isEmpty()) {
            FieldViolation violation = exception.violations().getFirst();
            String param = param(violation.pointer());
            return new OpenAiError(
                    exception.code().status(),
                    (param == null ? "" : param + ": ") + violation.detail(),
                    type(exception.code()),
                    param,
                    "invalid_parameter");
        }
        return of(exception.code(), exception.getMessage());
    }

    static OpenAiError of(ErrorCode code, @Nullable String message) {
        return new OpenAiError(
                // A spent budget is OpenAI's insufficient_quota, a 429 (402 on the REST API).
                code == ErrorCode.BUDGET_EXCEEDED ? 429 : code.status(),
                message == null || message.isBlank() ? code.title() + "." : message,
                type(code),
                null,
                code(code));
    }

    /**
     * The request field a pointer of the execution core names, as a client of this API wrote it: the variables came in
     * {@code prompt_variables}, the model in {@code model}.
     */
    static @Nullable String param(String pointer) {
        String field = pointer.startsWith("#/") ? pointer.substring(2) : pointer;
        if (field.equals("variables") || field.startsWith("variables/")) {
            return "prompt_variables" + field.substring("variables".length()).replace('/', '.');
        }
        if (field.equals("modelId") || field.equals("version") || field.equals("label")) {
            return "model";
        }
        if (field.equals("cacheTtl")) {
            return "cache.ttl";
        }
        if (field.equals("timeout")) {
            return null;
        }
        return field.isEmpty() ? null : field.replace('/', '.');
    }

    private static String type(ErrorCode code) {
        return switch (code) {
            case UNAUTHENTICATED -> AUTHENTICATION;
            case FORBIDDEN, FORBIDDEN_ORIGIN -> PERMISSION;
            case RATE_LIMITED, PROVIDER_RATE_LIMITED -> RATE_LIMIT;
            case BUDGET_EXCEEDED -> INSUFFICIENT_QUOTA;
            case INVALID_REQUEST,
                    MALFORMED_REQUEST_BODY,
                    INVALID_PARAMETER,
                    INVALID_UPLOAD,
                    RESOURCE_NOT_FOUND,
                    METHOD_NOT_ALLOWED,
                    USER_EMAIL_TAKEN,
                    LAST_OWNER,
                    ORGANIZATION_SLUG_TAKEN,
                    MODEL_NAME_TAKEN,
                    MODEL_IN_USE,
                    PROMPT_NAME_TAKEN,
                    DATASET_NAME_TAKEN,
                    EVALUATOR_NAME_TAKEN,
                    BENCHMARK_NAME_TAKEN,
                    VERSION_CONFLICT,
                    LABEL_POLICY_REFUSED,
                    CONFLICT,
                    CREDENTIALS_NOT_CONFIGURED,
                    MODEL_DISABLED,
                    EVALUATOR_UNAVAILABLE,
                    IDEMPOTENCY_KEY_REUSED,
                    EXECUTION_FINISHED,
                    EXECUTION_CANCELLED,
                    EXPERIMENT_FINISHED,
                    EXPERIMENT_NOT_FINISHED,
                    PROVIDER_REJECTED,
                    NOT_ACCEPTABLE,
                    PAYLOAD_TOO_LARGE,
                    UNSUPPORTED_MEDIA_TYPE -> INVALID_REQUEST;
            case DATABASE_UNAVAILABLE,
                    RUNTIME_UNAVAILABLE,
                    SERVICE_SHUTTING_DOWN,
                    PROVIDER_UNAVAILABLE,
                    EXECUTION_TIMED_OUT,
                    EXECUTION_FAILED,
                    INTERNAL -> SERVER;
        };
    }

    /** OpenAI's own code where it means the same, so that code written against OpenAI's errors keeps working. */
    private static String code(ErrorCode code) {
        return switch (code) {
            case UNAUTHENTICATED -> "invalid_api_key";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case BUDGET_EXCEEDED -> INSUFFICIENT_QUOTA;
            default -> code.name().toLowerCase(Locale.ROOT);
        };
    }
}
