package dev.promptline.runtime.llm;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.langchain4j.http.client.sse.ServerSentEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns the bytes of a {@code text/event-stream} into events as they arrive, chunk by chunk, the way LangChain4j's
 * {@code DefaultServerSentEventParser} (1.19) turns lines into events: lines end at {@code \n}, {@code \r\n} or
 * {@code \r}; {@code event:} sets the event's name (trimmed), {@code data:} adds a line of data (one leading space
 * dropped, lines joined by {@code \n}); a blank line dispatches the event if it has data; other fields and comments
 * are ignored; data left at the end of the stream is dispatched too. Not thread-safe: one stream's chunks come in
 * order, one at a time.
 *
 * <p>Pushed rather than read from an InputStream: that parser needs a thread blocked on each stream, which the HTTP
 * client has to wake for every chunk it receives; this decoder runs on the thread that delivers the chunk.
 */
final class EventStreamDecoder {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final String EVENT = "event:";
    private static final String DATA = "data:";

    private final Consumer<ServerSentEvent> events;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private @Nullable String event;
    private final StringBuilder data = new StringBuilder();

    EventStreamDecoder(Consumer<ServerSentEvent> events) {
        this.events = events;
    }

    /** Decodes a chunk, dispatching every event it completes. */
    void feed(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
            byte next = chunk.get();
            if (afterCr) {
                afterCr = false;
                if (next == LF) {
                    continue; // the \n of a \r\n, whose line has been taken already
                }
            }
            if (next == LF || next == CR) {
                afterCr = next == CR;
                takeLine();
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = next;
            }
        }
    }

    /** The stream ended: a last line without its line end, and an event without its blank line, still count. */
    void finish() {
        if (lineLength > 0) {
            takeLine();
        }
        if (!data.isEmpty()) {
            dispatch();
        }
    }

    // UTF-8 never uses \r or \n inside a multi-byte character, so a line's bytes are whole characters.
    private void takeLine() {
        String text = new String(line, 0, lineLength, UTF_8);
        lineLength = 0;
        if (text.isEmpty()) {
            if (!data.isEmpty()) {
                dispatch();
            }
        } else if (text.startsWith(EVENT)) {
            event = text.substring(EVENT.length()).trim();
        } else if (text.startsWith(DATA)) {
            if (!data.isEmpty()) {
                data.append('\n');
            }
            data.append(text, text.startsWith(" ", DATA.length()) ? DATA.length() + 1 : DATA.length(), text.length());
        }
    }

    private void dispatch() {
        var sse = new ServerSentEvent(event, data.toString());
        event = null;
        data.setLength(0);
        events.accept(sse);
    }
}
