package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes the place of Jetty's own error page for the requests Jetty refuses before any filter or servlet runs: a
 * malformed request line or header, headers over the limit. Those answer the same problem detail as every other
 * error, with a request id (the caller's if its headers could be read and the id is safe, else a new one). Errors
 * inside the application go through Spring's {@code /error} instead ({@link ProblemErrorController}).
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);

    private final Problems problems;
    private final JsonMapper json;

    ProblemErrorHandler(Problems problems, JsonMapper json) {
        this.problems = problems;
        this.json = json;
        setCacheControl(JettyServer.ERROR_CACHE_CONTROL);
    }

    /** Every method gets its problem detail; Jetty's own handler writes a body for GET, POST and HEAD only. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request,
            Response response,
            int status,
            @Nullable String message,
            @Nullable Throwable cause,
            Callback callback) {
        String requestId = RequestId.acceptOrGenerate(request.getHeaders().get(RequestId.HEADER));
        ErrorCode code = ProblemErrorController.codeFor(status);
        MDC.put(RequestId.MDC_KEY, requestId);
        try {
            if (code == ErrorCode.INTERNAL && cause != null) {
                log.error("Unhandled error in the web server: {}", LogSafe.summary(cause));
            }
            ProblemDetail problem = problems.create(code, detail(code), instance(request));
            byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
            // The problem's status, so that the two agree (a 431 for headers over the limit is a 400 invalid request).
            response.setStatus(code.status());
            response.getHeaders().put(RequestId.HEADER, requestId);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            // Jetty ends the connection after a request it could not parse, and says so only sometimes: a client that
            // reused it would find it closed under its next request.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(body), callback);
        } finally {
            MDC.remove(RequestId.MDC_KEY);
        }
    }

    private static String detail(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST ->
                "The server could not accept this request: its path, headers or request line are malformed"
                        + " (an encoded NUL or slash in the path, or headers over the size limit, for example).";
            default -> ProblemErrorController.defaultDetail(code);
        };
    }

    /**
     * The request's path when it is a valid URI reference; a refused request's may not be. A request Jetty could not
     * parse at all is a placeholder with no headers (a real HTTP/1.1 request has at least {@code Host}) and a made-up
     * path: its instance is {@code /}.
     */
    private static String instance(Request request) {
        if (request.getHeaders().size() == 0) {
            return "/";
        }
        try {
            String path = request.getHttpURI().getPath();
            if (path == null || path.isEmpty()) {
                return "/";
            }
            URI.create(path);
            return path;
        } catch (RuntimeException e) {
            return "/";
        }
    }
}
