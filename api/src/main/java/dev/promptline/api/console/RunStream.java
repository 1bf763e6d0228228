package dev.promptline.api.console;

import dev.promptline.api.console.PlaygroundViews.RunEnded;
import dev.promptline.api.console.PlaygroundViews.RunStarted;
import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionListener;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.web.util.HtmlUtils;

/**
 * A playground run streamed to htmx's SSE extension: each event's data is HTML that the page swaps in as it is.
 * {@code started} is the status line with the execution's link and its Cancel button, each {@code token} is the
 * output's next piece (escaped: a model's output is text, never markup), and {@code done} is the summary (tokens,
 * cost, latency) or the refusal in words; the page closes its EventSource on {@code done}, so the browser does not
 * reconnect to a run that has ended. Written by the request's own thread only.
 */
final class RunStream implements ExecutionListener {
    private final HttpServletResponse response;
    private final TemplateEngine templates;
    private OutputStream out = OutputStream.nullOutputStream();

    RunStream(HttpServletResponse response, TemplateEngine templates) {
        this.response = response;
        this.templates = templates;
    }

    /** Sends the stream's headers at once, so that the page knows its run is under way before the runtime answers. */
    void open() {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        try {
            out = response.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
        write(": run\n\n");
    }

    @Override
    public void started(Execution execution) {
        event(
                "started",
                render(
                        "console/runStarted.jte",
                        "run",
                        new RunStarted(execution.id().toString())));
    }

    @Override
    public void token(String text) {
        event("token", HtmlUtils.htmlEscape(text));
    }

    @Override
    public void idle() {
        write(": keep-alive\n\n");
    }

    @Override
    public void probe() {
        write(":\n\n");
    }

    void ended(RunEnded run) {
        event("done", render("console/runEnded.jte", "run", run));
    }

    private String render(String template, String name, Object value) {
        var output = new StringOutput();
        templates.render(template, Map.of(name, value), output);
        return output.toString();
    }

    /** One event; every line of its data on a {@code data:} line of its own, as the EventSource format wants. */
    private void event(String name, String data) {
        var frame = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        write(frame.append('\n').toString());
    }

    private void write(String frame) {
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
