package dev.promptline.api.platform.errors;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What domain code throws: an entry of the catalogue and a detail meant for the caller. Only the web layer turns it
 * into HTTP, so services never deal in status codes.
 */
public class PromptlineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public PromptlineException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public PromptlineException(ErrorCode code, String detail, @Nullable Throwable cause) {
        super(requireNonNull(detail, "detail is null"), cause);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }
}
