package dev.promptline.runtime.llm;

import java.util.function.Consumer;

/** Streams one model call: each piece of text goes to {@code tokens} as it arrives; the result comes at the end. */
public interface ChatModelClient {
    ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation);
}
