package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the servlet container's error dispatch: errors raised in filters (body limit, CORS, later authentication)
 * and anything that escaped Spring MVC. Replaces Boot's whitelabel/JSON error page, so these too are problem details.
 */
@RestController
@Hidden // the container's error dispatch, not an operation of the API
public class ProblemErrorController implements ErrorController {
    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);
    private static final String DETAIL_ATTRIBUTE = ProblemErrorController.class.getName() + ".detail";
    private static final String CODE_ATTRIBUTE = ProblemErrorController.class.getName() + ".code";

    private final Problems problems;

    ProblemErrorController(Problems problems) {
        this.problems = problems;
    }

    /**
     * Lets a filter that answers with {@code sendError} (body limit, CORS, authentication) say why, in words meant for
     * the caller, and with which code.
     */
    public static void describe(HttpServletRequest request, ErrorCode code, String detail) {
        request.setAttribute(CODE_ATTRIBUTE, code);
        request.setAttribute(DETAIL_ATTRIBUTE, detail);
    }

    /** Why an error dispatch happens: the code and detail a filter described, or the status's defaults. */
    public record Description(int status, ErrorCode code, String detail) {}

    /**
     * What this controller answers an error dispatch with, for a route that answers errors in another shape (an
     * {@link ErrorDispatchFilter}): the status, and the code and detail a filter described with {@link #describe}.
     */
    public static Description described(HttpServletRequest request) {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        ErrorCode code =
                request.getAttribute(CODE_ATTRIBUTE) instanceof ErrorCode described ? described : codeFor(status);
        String detail =
                request.getAttribute(DETAIL_ATTRIBUTE) instanceof String described ? described : defaultDetail(code);
        return new Description(status, code, detail);
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Description description = described(request);
        ErrorCode code = description.code();
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error) {
            log.error("Unhandled error outside Spring MVC: {}", LogSafe.summary(error));
            log.debug("Stack trace of the unhandled error", error);
        }
        String path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
                ? uri
                : request.getRequestURI();
        return Problems.response(problems.create(code, description.detail(), path));
    }

    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.RESOURCE_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.DATABASE_UNAVAILABLE;
            default -> status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
        };
    }

    static String defaultDetail(ErrorCode code) {
        return code == ErrorCode.INTERNAL
                ? "An unexpected error occurred. Quote the requestId when reporting it."
                : code.title() + ".";
    }
}
