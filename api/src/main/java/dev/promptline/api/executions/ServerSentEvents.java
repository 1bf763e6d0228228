package dev.promptline.api.executions;

import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * An execution streamed as Server-Sent Events: {@code started} (the execution's id), {@code token_delta}s, then one
 * {@code completed} or {@code failed} with the finished record (or, when the record could not be finished, a
 * {@code failed} with the problem and the execution's id). The names mirror the runtime contract's events.
 * Nothing is written before the runtime accepted the execution, so a request refused before that still gets a plain
 * problem detail with its status code. Written by the request's own thread only.
 */
final class ServerSentEvents implements ExecutionListener {
    private final EventStreamBody body;
    private final JsonMapper json;
    private @Nullable UUID executionId;

    ServerSentEvents(HttpServletResponse response, JsonMapper json) {
        this.body = new EventStreamBody(response);
        this.json = json;
    }

    boolean isOpen() {
        return body.isOpen();
    }

    /** The execution the stream is about, once it started. */
    @Nullable
    UUID executionId() {
        return executionId;
    }

    @Override
    public void started(Execution execution) {
        body.open();
        executionId = execution.id();
        var started = new LinkedHashMap<String, Object>();
        started.put("executionId", execution.id());
        started.put("promptId", execution.promptId());
        started.put("promptVersion", execution.promptVersion());
        started.put("modelId", execution.modelId());
        event("started", started);
    }

    @Override
    public void token(String text) {
        event("token_delta", Map.of("text", text));
    }

    @Override
    public void idle() {
        body.keepAlive();
    }

    @Override
    public void probe() {
        body.probe();
    }

    void completed(Execution execution) {
        event("completed", ExecutionResponse.from(execution));
        body.end();
    }

    void failed(Execution execution, Map<String, Object> problem) {
        var failed = new LinkedHashMap<>(problem);
        failed.put("execution", ExecutionResponse.from(execution));
        event("failed", failed);
        body.end();
    }

    /** Ends a stream whose execution has no finished record to show: the problem, and the id to look it up by. */
    void aborted(Map<String, Object> problem) {
        var failed = new LinkedHashMap<>(problem);
        failed.put("executionId", executionId);
        event("failed", failed);
        body.end();
    }

    private void event(String name, Object data) {
        body.write("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n");
    }
}
