package dev.promptline.runtime.llm;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** Streams one model call: each piece of text goes to {@code tokens} as it arrives; the result comes at the end. */
public interface ChatModelClient {
    ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation);

    /**
     * The same, telling {@code attempts} when each attempt at the provider begins (1, then each retry), so that an
     * execution stopped from outside still knows how many it made. A client that does not retry makes one.
     */
    default ModelResult stream(
            ModelCall call, Consumer<String> tokens, IntConsumer attempts, Cancellation cancellation) {
        attempts.accept(1);
        return stream(call, tokens, cancellation);
    }
}
