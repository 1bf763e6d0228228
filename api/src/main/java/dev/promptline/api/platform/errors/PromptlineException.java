package dev.promptline.api.platform.errors;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What domain code throws: an entry of the catalogue and a detail meant for the caller. Only the web layer turns it
 * into HTTP, so services never deal in status codes.
 */
public class PromptlineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final List<FieldViolation> violations;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public PromptlineException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public PromptlineException(ErrorCode code, String detail, @Nullable Throwable cause) {
        super(requireNonNull(detail, "detail is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.violations = List.of();
    }

    private PromptlineException(FieldViolation violation) {
        super("The request has 1 invalid field(s); see errors.");
        this.code = ErrorCode.INVALID_REQUEST;
        this.violations = List.of(violation);
    }

    /** A field that passed the declarative checks but breaks a rule only the service can check. */
    public static PromptlineException invalidField(String pointer, String detail) {
        return new PromptlineException(new FieldViolation(pointer, detail));
    }

    /** Adds an extension member to the problem detail, such as the id of the execution that failed. */
    public PromptlineException with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
