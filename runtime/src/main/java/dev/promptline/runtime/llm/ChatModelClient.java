package dev.promptline.runtime.llm;

import java.util.function.Consumer;

/** Streams one model call: each piece of text goes to {@code tokens} as it arrives; the result comes at the end. */
public interface ChatModelClient {
    ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation);

    /**
     * The same, telling {@code attempts} when each attempt at the provider begins and when one fails. A client that
     * does not retry makes one.
     */
    default ModelResult stream(
            ModelCall call, Consumer<String> tokens, AttemptListener attempts, Cancellation cancellation) {
        attempts.started(1);
        try {
            return stream(call, tokens, cancellation);
        } catch (ModelCallException e) {
            attempts.failed(1, e);
            throw e;
        }
    }
}
