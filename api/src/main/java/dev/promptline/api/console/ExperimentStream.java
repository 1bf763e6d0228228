package dev.promptline.api.console;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An experiment page's progress stream, in the format htmx's SSE extension swaps into the page: {@code progress}
 * events carry the rendered progress panel, {@code done} the rendered summary (after which the page closes the
 * stream). A write that fails means the page left: {@link IOException}, and the stream ends.
 */
final class ExperimentStream {
    private final HttpServletResponse response;
    private final TemplateEngine templates;
    private OutputStream out = OutputStream.nullOutputStream();

    ExperimentStream(HttpServletResponse response, TemplateEngine templates) {
        this.response = response;
        this.templates = templates;
    }

    void open() throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        out = response.getOutputStream();
        write(": experiment\n\n");
    }

    void progress(Map<String, Object> parameters) throws IOException {
        event("progress", render("console/experimentProgress.jte", parameters));
    }

    void done(Map<String, Object> parameters) throws IOException {
        event("done", render("console/experimentSummary.jte", parameters));
    }

    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private String render(String template, Map<String, Object> parameters) {
        var output = new StringOutput();
        templates.render(template, parameters, output);
        return output.toString();
    }

    /** One event; every line of its data on a {@code data:} line of its own, as the EventSource format wants. */
    private void event(String name, String data) throws IOException {
        var frame = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        write(frame.append('\n').toString());
    }

    private void write(String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
