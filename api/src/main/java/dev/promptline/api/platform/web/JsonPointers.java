package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.FieldViolation;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Names the place in a JSON request body that is wrong, as a JSON Pointer fragment ({@code #/items/0/name}). */
final class JsonPointers {
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private JsonPointers() {}

    /** {@code items[0].name} (a bean property path) to {@code #/items/0/name}. */
    static String fromPropertyPath(String path) {
        return "#/" + INDEX.matcher(path).replaceAll(".$1").replace('.', '/');
    }

    /** The field a body failed on, when the parser knows it: unknown fields, wrong types, unknown enum values. */
    static Optional<FieldViolation> violation(HttpMessageNotReadableException e) {
        if (e.getCause() instanceof JacksonException mapping
                && !(e.getCause() instanceof StreamReadException)
                && !mapping.getPath().isEmpty()) {
            String pointer = pointer(mapping);
            return Optional.of(new FieldViolation(
                    pointer,
                    switch (mapping) {
                        case UnrecognizedPropertyException unknown -> "is not a field of this request";
                        case RefusedValueException refused -> refused.reason();
                        default -> "has the wrong type or value";
                    }));
        }
        return Optional.empty();
    }

    private static String pointer(JacksonException mapping) {
        return mapping.getPath().stream()
                .map(reference -> reference.getPropertyName() != null
                        ? reference.getPropertyName()
                        : String.valueOf(reference.getIndex()))
                .collect(Collectors.joining("/", "#/", ""));
    }

    /**
     * A detail for an unreadable body that helps the caller without echoing Java class names: where the JSON is broken,
     * or which field has the wrong type.
     */
    static String describeUnreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof StreamReadException syntax) {
            var location = syntax.getLocation();
            return location == null
                    ? "The request body is not valid JSON."
                    : "The request body is not valid JSON (line %d, column %d)."
                            .formatted(location.getLineNr(), location.getColumnNr());
        }
        if (cause instanceof JacksonException mapping && !mapping.getPath().isEmpty()) {
            String pointer = pointer(mapping);
            return switch (cause) {
                case UnrecognizedPropertyException unknown ->
                    "The field %s is not part of this request.".formatted(pointer);
                case RefusedValueException refused -> "The field %s %s.".formatted(pointer, refused.reason());
                default -> "The field %s has the wrong type or format.".formatted(pointer);
            };
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            return "A JSON request body is required.";
        }
        return "The request body could not be read as JSON.";
    }
}
