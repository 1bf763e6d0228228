package dev.promptline.api.platform.web;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A JSON value of the right type that the API refuses while reading it (a NUL character, an instant outside the
 * database's range), with a reason meant for the caller; Jackson adds the path to the field on the way out.
 */
final class RefusedValueException extends MismatchedInputException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    RefusedValueException(JsonParser parser, String reason, Class<?> type) {
        super(parser, reason, type);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
