package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

/** What a finished model call produced. */
public record ModelResult(String output, String finishReason, int inputTokens, int outputTokens) {
    public ModelResult {
        requireNonNull(output, "output is null");
        requireNonNull(finishReason, "finishReason is null");
    }
}
