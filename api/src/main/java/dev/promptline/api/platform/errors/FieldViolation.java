package dev.promptline.api.platform.errors;

import static java.util.Objects.requireNonNull;

/** One bad field of a request: a JSON Pointer into the body (as a URI fragment, {@code #/baseUrl}) and why. */
public record FieldViolation(String pointer, String detail) {
    public FieldViolation {
        requireNonNull(pointer, "pointer is null");
        requireNonNull(detail, "detail is null");
    }
}
