package dev.promptline.runtime.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Byte-level HTTP/1.1 on one server-side socket: reads requests, writes heads, bodies and chunks. */
final class HttpConnection {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** The next request, or null when the client closed the connection cleanly before sending one. */
    @Nullable
    RecordedRequest readRequest() throws IOException {
        String requestLine;
        do {
            requestLine = readLine();
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        int firstSpace = requestLine.indexOf(' ');
        int lastSpace = requestLine.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace) {
            throw new IOException("Malformed request line: " + requestLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = requireLine(); !line.isEmpty(); line = requireLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("Malformed header: " + line);
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.merge(name, line.substring(colon + 1).strip(), (first, next) -> first + ", " + next);
        }
        byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                ? readChunkedBody()
                : readBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new RecordedRequest(
                requestLine.substring(0, firstSpace),
                requestLine.substring(firstSpace + 1, lastSpace),
                headers,
                new String(body, UTF_8));
    }

    /**
     * Waits, watching the connection: a blocking read with the remaining time as timeout returns -1 (or fails with a
     * reset) the moment the client closes, so a close is noticed at once rather than at the next write.
     *
     * @throws EOFException when the client closed the connection during the wait
     */
    void pause(Duration delay) throws IOException {
        long deadline = System.nanoTime() + delay.toNanos();
        try {
            for (long left = delay.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
                try {
                    if (fill() < 0) {
                        throw new EOFException("Client closed the connection");
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // The delay is over, or nearly: the loop condition decides.
                }
            }
        } finally {
            socket.setSoTimeout(0);
        }
    }

    void writeHead(int status, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(reason(status))
                .append("\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(ISO_8859_1));
    }

    void writeBody(byte[] body) throws IOException {
        out.write(body);
        out.flush();
    }

    void writeChunk(String data) throws IOException {
        byte[] bytes = data.getBytes(UTF_8);
        out.write(Integer.toHexString(bytes.length).getBytes(ISO_8859_1));
        out.write(CRLF);
        out.write(bytes);
        out.write(CRLF);
        out.flush();
    }

    void endChunks() throws IOException {
        out.write("0\r\n\r\n".getBytes(ISO_8859_1));
        out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }

    private byte[] readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = requireLine();
            int extension = sizeLine.indexOf(';');
            int size = Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).strip(), 16);
            if (size == 0) {
                while (!requireLine().isEmpty()) {
                    // Trailers carry nothing the fake needs.
                }
                return body.toByteArray();
            }
            body.write(readBytes(size));
            requireLine();
        }
    }

    private byte[] readBytes(int count) throws IOException {
        byte[] bytes = new byte[count];
        int copied = 0;
        while (copied < count) {
            if (start == end && fill() < 0) {
                throw new EOFException("Body ended after " + copied + " of " + count + " bytes");
            }
            int n = Math.min(count - copied, end - start);
            System.arraycopy(buffer, start, bytes, copied, n);
            start += n;
            copied += n;
        }
        return bytes;
    }

    private String requireLine() throws IOException {
        String line = readLine();
        if (line == null) {
            throw new EOFException("Connection closed mid-request");
        }
        return line;
    }

    /** A CRLF- or LF-terminated line without its terminator; null on end of stream before any byte. */
    private @Nullable String readLine() throws IOException {
        int scanned = start;
        while (true) {
            for (; scanned < end; scanned++) {
                if (buffer[scanned] == '\n') {
                    int lineEnd = scanned > start && buffer[scanned - 1] == '\r' ? scanned - 1 : scanned;
                    String line = new String(buffer, start, lineEnd - start, ISO_8859_1);
                    start = scanned + 1;
                    return line;
                }
            }
            if (end - start > MAX_LINE) {
                throw new IOException("Line longer than " + MAX_LINE + " bytes");
            }
            int offset = scanned - start;
            if (fill() < 0) {
                if (start == end) {
                    return null;
                }
                throw new EOFException("Connection closed mid-line");
            }
            scanned = start + offset;
        }
    }

    /** Reads more bytes after the unread ones, compacting or growing the buffer as needed. */
    private int fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n > 0) {
            end += n;
        }
        return n;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }
}
