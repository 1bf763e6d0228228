package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes the place of Tomcat's {@link ErrorReportValve}, which renders an HTML page for the requests Tomcat refuses
 * before any filter or servlet runs: an encoded NUL or slash in the path, a malformed request. Those answer the same
 * problem detail as every other error, with a request id (the caller's, if safe, else a new one).
 */
final class ProblemErrorReportValve extends ErrorReportValve {
    private static final Logger log = LoggerFactory.getLogger(ProblemErrorReportValve.class);

    private final Problems problems;
    private final JsonMapper json;

    ProblemErrorReportValve(Problems problems, JsonMapper json) {
        this.problems = problems;
        this.json = json;
    }

    @Override
    protected void report(Request request, Response response, @Nullable Throwable throwable) {
        int status = response.getStatus();
        // As the base class: nothing to add to a success or to a body already written (our own problem details).
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String requestId = response.getHeader(RequestId.HEADER) != null
                ? response.getHeader(RequestId.HEADER)
                : RequestId.acceptOrGenerate(request.getHeader(RequestId.HEADER));
        ErrorCode code = ProblemErrorController.codeFor(status);
        MDC.put(RequestId.MDC_KEY, requestId);
        try {
            if (throwable != null) {
                log.error("Unhandled error in the servlet container: {}", LogSafe.summary(throwable));
            }
            ProblemDetail problem = problems.create(code, detail(code), instance(request));
            byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
            response.resetBuffer();
            response.setHeader(RequestId.HEADER, requestId);
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            log.debug("Could not write the problem detail for a refused request: {}", LogSafe.summary(e));
        } finally {
            MDC.remove(RequestId.MDC_KEY);
        }
    }

    private static String detail(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST ->
                "The server could not accept this request: its path, headers or request line are malformed"
                        + " (an encoded NUL or slash in the path, for example).";
            case INTERNAL -> "An unexpected error occurred. Quote the requestId when reporting it.";
            default -> code.title() + ".";
        };
    }

    /** The request's path when it is a valid URI reference; a refused request's may not be. */
    private static String instance(Request request) {
        String path = request.getRequestURI();
        if (path == null) {
            return "/";
        }
        try {
            URI.create(path);
            return path;
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }
}
