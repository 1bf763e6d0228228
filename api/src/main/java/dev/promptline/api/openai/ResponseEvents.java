package dev.promptline.api.openai;

import dev.promptline.api.executions.EventStreamBody;
import dev.promptline.api.executions.Execution;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A response streamed as the Responses API's events, each an SSE {@code event:} named by its {@code type} with a
 * {@code sequence_number}: {@code response.created}, {@code response.in_progress}, the message's
 * {@code response.output_item.added} and {@code response.content_part.added}, one {@code response.output_text.delta}
 * per token, then {@code response.output_text.done}, {@code response.content_part.done},
 * {@code response.output_item.done} and {@code response.completed} (or {@code response.failed}). Heartbeats and probes
 * are SSE comments, as for chat completions. Written by the request's own thread only.
 */
final class ResponseEvents implements AnswerStream {
    private final HttpServletResponse response;
    private final EventStreamBody body;
    private final OpenAiJson json;
    private final ResponsesRequest request;
    private final StringBuilder text = new StringBuilder();
    private @Nullable Execution started;
    private long sequence;

    ResponseEvents(HttpServletResponse response, OpenAiJson json, ResponsesRequest request) {
        this.response = response;
        this.body = new EventStreamBody(response);
        this.json = json;
        this.request = request;
    }

    @Override
    public boolean isOpen() {
        return started != null;
    }

    @Override
    public void started(Execution execution) {
        response.setHeader(ChatCompletions.EXECUTION_ID_HEADER, execution.id().toString());
        body.open();
        started = execution;
        event("response.created", Map.of("response", Responses.inProgress(execution, request)));
        event("response.in_progress", Map.of("response", Responses.inProgress(execution, request)));
        event(
                "response.output_item.added",
                Map.of("output_index", 0, "item", Responses.message(execution, "in_progress", "")));
        event("response.content_part.added", part(execution, Responses.outputText("")));
    }

    @Override
    public void token(String delta) {
        text.append(delta);
        var event = item(execution());
        event.put("content_index", 0);
        event.put("delta", delta);
        event.put("logprobs", List.of());
        event("response.output_text.delta", event);
    }

    @Override
    public void idle() {
        body.keepAlive();
    }

    @Override
    public void probe() {
        body.probe();
    }

    @Override
    public void finished(Execution execution) {
        String output = execution.output() == null ? text.toString() : execution.output();
        var done = item(execution);
        done.put("content_index", 0);
        done.put("text", output);
        done.put("logprobs", List.of());
        event("response.output_text.done", done);
        event("response.content_part.done", part(execution, Responses.outputText(output)));
        event(
                "response.output_item.done",
                Map.of("output_index", 0, "item", Responses.message(execution, "completed", output)));
        event("response.completed", Map.of("response", Responses.response(execution, request)));
        body.end();
    }

    @Override
    public void failed(OpenAiError error, @Nullable Execution execution) {
        event("response.failed", Map.of("response", Responses.failed(execution, execution(), request, error)));
        body.end();
    }

    private Execution execution() {
        if (started == null) {
            throw new IllegalStateException("No event before the response started");
        }
        return started;
    }

    private LinkedHashMap<String, Object> item(Execution execution) {
        var event = new LinkedHashMap<String, Object>();
        event.put("item_id", Responses.messageId(execution));
        event.put("output_index", 0);
        return event;
    }

    private Map<String, Object> part(Execution execution, Map<String, Object> part) {
        var event = item(execution);
        event.put("content_index", 0);
        event.put("part", part);
        return event;
    }

    private void event(String type, Map<String, Object> fields) {
        var event = new LinkedHashMap<String, Object>();
        event.put("type", type);
        event.put("sequence_number", sequence++);
        event.putAll(fields);
        body.write("event: " + type + "\ndata: " + json.write(event) + "\n\n");
    }
}
