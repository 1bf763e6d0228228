package dev.promptline.api.openai;

/** A request refused with an {@link OpenAiError}: thrown by this package's request handling, answered by its advice. */
final class OpenAiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized
    private final OpenAiError error;

    OpenAiException(OpenAiError error) {
        super(error.message());
        this.error = error;
    }

    OpenAiError error() {
        return error;
    }
}
