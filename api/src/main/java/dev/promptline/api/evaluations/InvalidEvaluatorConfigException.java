package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

/** An evaluator's configuration that cannot work; answered as 400 with the field it names. */
public final class InvalidEvaluatorConfigException extends RuntimeException {
    private final String field;

    /**
     * @param field the path of the bad field inside the request, for example {@code config.pattern}
     * @param message what is wrong with it, in words
     */
    public InvalidEvaluatorConfigException(String field, String message) {
        super(message);
        this.field = requireNonNull(field, "field is null");
    }

    public String field() {
        return field;
    }
}
