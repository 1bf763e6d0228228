package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies. A declared {@code Content-Length} over the limit is refused before anything is read; a chunked
 * body is counted as it is read and fails at the limit, so a client cannot stream an unbounded body into a JSON parser.
 * File uploads (a dataset's items as JSONL or CSV, {@link #UPLOAD}) have a limit of their own, larger: a file of a few
 * thousand items is megabytes, while a JSON request body stays small.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class BodyLimitFilter extends OncePerRequestFilter {
    /**
     * The paths of file uploads, which take {@code MAX_UPLOAD_SIZE} instead of {@code MAX_REQUEST_BODY_SIZE}: the API's
     * and the console's upload form's.
     */
    static final Pattern UPLOAD = Pattern.compile("/api/v1/datasets/[^/]+/items/upload|/console/datasets/[^/]+/upload");

    /** The most of an unread body read after the answer: Tomcat's {@code maxSwallowSize}. */
    private static final int DRAIN_LIMIT = 2 * 1024 * 1024;

    private final long maxBytes;
    private final long maxUploadBytes;

    BodyLimitFilter(WebProperties properties) {
        this.maxBytes = properties.maxRequestBodySize().toBytes();
        this.maxUploadBytes = properties.maxUploadSize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean upload = UPLOAD.matcher(request.getRequestURI()).matches();
        long limit = upload ? maxUploadBytes : maxBytes;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            ProblemErrorController.describe(request, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge(limit, upload));
            response.sendError(HttpStatus.CONTENT_TOO_LARGE.value());
            drainUnread(request);
            return;
        }
        HttpServletRequest limited = declared >= 0 ? request : new LimitedRequest(request, limit, upload);
        try {
            chain.doFilter(limited, response);
        } finally {
            if (declared > 0 || (declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null)) {
                drainUnread(limited);
            }
        }
    }

    /**
     * Reads what is left of a body the application did not read (a request refused before its body, by
     * authentication for one), up to {@value #DRAIN_LIMIT} bytes as Tomcat did. Jetty does not: it closes the
     * connection with the body's bytes unread, and the kernel then resets it, often before the client has read the
     * answer. Past the limit the connection closes that way still, rather than the service reading a large refused
     * upload to its end.
     */
    private static void drainUnread(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            return;
        }
        try {
            InputStream body = request.getInputStream();
            byte[] buffer = new byte[8192];
            long left = DRAIN_LIMIT;
            for (int n; left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1; ) {
                left -= n;
            }
        } catch (IOException | IllegalStateException e) {
            // Read through a reader already, over the limit, or the client is gone: the server closes the connection.
        }
    }

    static boolean isBodyTooLarge(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException) {
                return true;
            }
        }
        return false;
    }

    static String detail(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                return tooLarge.getMessage();
            }
        }
        return "The request body is too large.";
    }

    private static String tooLarge(long maxBytes, boolean upload) {
        return upload
                ? "The upload exceeds the limit of %d bytes (%s, MAX_UPLOAD_SIZE); split the file into several uploads."
                        .formatted(maxBytes, readable(maxBytes))
                : "The request body exceeds the limit of %d bytes.".formatted(maxBytes);
    }

    private static String readable(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : bytes + " bytes";
    }

    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long maxBytes, boolean upload) {
            super(tooLarge(maxBytes, upload));
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long maxBytes;
        private final boolean upload;
        private @Nullable ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long maxBytes, boolean upload) {
            super(request);
            this.maxBytes = maxBytes;
            this.upload = upload;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), maxBytes, upload);
            }
            return stream;
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {
        private final ServletInputStream delegate;
        private final long maxBytes;
        private final boolean upload;
        private long read;

        LimitedInputStream(ServletInputStream delegate, long maxBytes, boolean upload) {
            this.delegate = delegate;
            this.maxBytes = maxBytes;
            this.upload = upload;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLargeException(maxBytes, upload);
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
