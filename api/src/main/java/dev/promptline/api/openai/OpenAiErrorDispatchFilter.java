package dev.promptline.api.openai;

import dev.promptline.api.platform.web.LogSafe;
import dev.promptline.api.platform.web.ProblemErrorController;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the servlet container's error dispatch for {@code /v1/**} in OpenAI's shape: the refusals that happen before
 * any controller (a missing or bad API key, a role that may not, the rate limit, a body too large, a refused origin),
 * which the filters answer with {@code sendError} and which {@link ProblemErrorController} would otherwise turn into
 * a problem detail. The status, code and detail are the ones the filter described; only the shape differs.
 */
final class OpenAiErrorDispatchFilter extends OncePerRequestFilter {
    static final String PATH_PREFIX = "/v1/";

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorDispatchFilter.class);

    private final OpenAiJson json;

    OpenAiErrorDispatchFilter(OpenAiJson json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
                && (uri.startsWith(PATH_PREFIX) || uri.equals("/v1")));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error) {
            log.error("Unhandled error outside Spring MVC: {}", LogSafe.summary(error));
            log.debug("Stack trace of the unhandled error", error);
        }
        ProblemErrorController.Description description = ProblemErrorController.described(request);
        OpenAiError error = OpenAiErrors.of(description.code(), description.detail());
        if (error.status() != description.status()) {
            error = new OpenAiError(description.status(), error.message(), error.type(), error.param(), error.code());
        }
        byte[] body = json.write(error.body()).getBytes(StandardCharsets.UTF_8);
        response.setStatus(error.status());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (!error.retryable()) {
            response.setHeader(OpenAiErrorAdvice.SHOULD_RETRY, "false");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
