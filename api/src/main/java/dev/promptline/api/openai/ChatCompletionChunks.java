package dev.promptline.api.openai;

import dev.promptline.api.executions.EventStreamBody;
import dev.promptline.api.executions.Execution;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat completion streamed as OpenAI's {@code chat.completion.chunk} events: the first carries
 * {@code delta.role}, each token one chunk, {@code finish_reason} null until the last choice chunk, then (when the
 * client asked with {@code stream_options.include_usage}) a usage chunk with empty {@code choices}, then
 * {@code data: [DONE]}. A failure after the stream opened is an {@code error} event, as OpenAI sends it, which the
 * SDKs raise. Nothing is written before the runtime accepted the execution, so a refused request still gets a plain
 * error with its status code. Heartbeats and probes are SSE comments, which every SDK skips: they let the execution
 * core find a client that left and cancel its execution. Written by the request's own thread only.
 */
final class ChatCompletionChunks implements AnswerStream {
    private final HttpServletResponse response;
    private final EventStreamBody body;
    private final OpenAiJson json;
    private final String model;
    private final boolean includeUsage;
    private String id = "";
    private long created;

    ChatCompletionChunks(HttpServletResponse response, OpenAiJson json, String model, boolean includeUsage) {
        this.response = response;
        this.body = new EventStreamBody(response);
        this.json = json;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    @Override
    public boolean isOpen() {
        return body.isOpen();
    }

    @Override
    public void started(Execution execution) {
        response.setHeader(ChatCompletions.EXECUTION_ID_HEADER, execution.id().toString());
        body.open();
        id = ChatCompletions.completionId(execution);
        created = execution.createdAt().getEpochSecond();
        var delta = new LinkedHashMap<String, Object>();
        delta.put("role", "assistant");
        delta.put("content", "");
        choice(delta, null);
    }

    @Override
    public void token(String text) {
        choice(Map.of("content", text), null);
    }

    @Override
    public void idle() {
        body.keepAlive();
    }

    @Override
    public void probe() {
        body.probe();
    }

    /** The last choice chunk with its finish reason, the usage chunk if asked for, and {@code [DONE]}. */
    @Override
    public void finished(Execution execution) {
        choice(Map.of(), ChatCompletions.finishReason(execution));
        if (includeUsage) {
            var chunk = envelope();
            chunk.put("choices", List.of());
            chunk.put("usage", ChatCompletions.usage(execution));
            data(chunk);
        }
        body.write("data: [DONE]\n\n");
        body.end();
    }

    /** Ends an open stream with OpenAI's error event. */
    @Override
    public void failed(OpenAiError error, @Nullable Execution execution) {
        data(error.body());
        body.end();
    }

    private void choice(Map<String, Object> delta, @Nullable String finishReason) {
        var choice = new LinkedHashMap<String, @Nullable Object>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        var chunk = envelope();
        chunk.put("choices", List.of(choice));
        if (includeUsage) {
            chunk.put("usage", null);
        }
        data(chunk);
    }

    private LinkedHashMap<String, @Nullable Object> envelope() {
        var chunk = new LinkedHashMap<String, @Nullable Object>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    private void data(Object data) {
        body.write("data: " + json.write(data) + "\n\n");
    }
}
