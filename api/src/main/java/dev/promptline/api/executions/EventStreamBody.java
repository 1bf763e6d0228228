package dev.promptline.api.executions;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of a Server-Sent Events response, as every execution stream writes it (Promptline's events and OpenAI's):
 * nothing until {@link #open}, then frames flushed one by one, then {@link #end}. Written by the request's own thread
 * only. A write that fails means the client is gone ({@link ExecutionListener.ClientGoneException}).
 */
public final class EventStreamBody {
    private final HttpServletResponse response;
    private OutputStream out = OutputStream.nullOutputStream();
    private boolean open;

    public EventStreamBody(HttpServletResponse response) {
        this.response = response;
    }

    /** Sends the status line and the headers set so far with the stream's own; the first frame follows. */
    public void open() {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        // Tells nginx-style proxies not to buffer the stream.
        response.setHeader("X-Accel-Buffering", "no");
        try {
            out = response.getOutputStream();
        } catch (IOException e) {
            throw new ExecutionListener.ClientGoneException(e);
        }
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    public void write(String frame) {
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new ExecutionListener.ClientGoneException(e);
        }
    }

    /** A comment that keeps proxies from closing a quiet stream. */
    public void keepAlive() {
        if (open) {
            write(": keep-alive\n\n");
        }
    }

    /**
     * An empty comment: two bytes, enough to find a closed connection on the next one (the first write after the client
     * closed is answered with a reset, the next one fails).
     */
    public void probe() {
        if (open) {
            write(":\n\n");
        }
    }

    /**
     * Ends the body after the stream's last event: its last chunk goes out now, not when the request returns. A
     * process that stops right after its executions ended (ExecutionsShutdown) waits for the requests to return, and
     * then closes every connection; a body ended here is whole by then.
     */
    public void end() {
        try {
            out.close();
        } catch (IOException e) {
            throw new ExecutionListener.ClientGoneException(e);
        }
    }
}
