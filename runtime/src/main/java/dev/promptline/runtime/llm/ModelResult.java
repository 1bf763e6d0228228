package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

/**
 * What a finished model call produced.
 *
 * @param finishReason why generation stopped: stop, length, content_filter or other
 * @param attempts attempts made, counting the first
 */
public record ModelResult(String output, String finishReason, int inputTokens, int outputTokens, int attempts) {
    public ModelResult {
        requireNonNull(output, "output is null");
        requireNonNull(finishReason, "finishReason is null");
    }

    public ModelResult withAttempts(int count) {
        return new ModelResult(output, finishReason, inputTokens, outputTokens, count);
    }
}
