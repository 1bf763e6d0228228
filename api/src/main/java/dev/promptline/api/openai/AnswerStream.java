package dev.promptline.api.openai;

import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionListener;
import org.jspecify.annotations.Nullable;

/**
 * An execution streamed in one of OpenAI's event formats (chat completion chunks, Responses API events). Nothing is
 * written before the runtime accepted the execution ({@link #started}), so a refused request still gets a plain error
 * with its status code; after that, the stream ends with {@link #finished} or {@link #failed}.
 */
interface AnswerStream extends ExecutionListener {
    /** Whether the stream's status line and first event went out. */
    boolean isOpen();

    /** The end of a successful execution. */
    void finished(Execution execution);

    /** The end of a stream whose execution failed; {@code execution} is null when it has no finished record. */
    void failed(OpenAiError error, @Nullable Execution execution);
}
