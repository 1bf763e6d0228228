package dev.promptline.api.platform.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the servlet container's error dispatch for the routes under one path in their own shape (OpenAI's error JSON
 * under {@code /v1}, the console's error page under {@code /console}) instead of {@link ProblemErrorController}'s
 * problem detail: the refusals that happen before any controller, which the filters answer with {@code sendError}.
 * The status, code and detail are the ones the filter described; only the shape differs.
 */
public abstract class ErrorDispatchFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(ErrorDispatchFilter.class);

    private final String path;

    /** @param path the routes' root, such as {@code /v1}: it and everything below it */
    protected ErrorDispatchFilter(String path) {
        this.path = path;
    }

    /** This filter on error dispatches only, ahead of the security chain and the problem-detail controller. */
    public FilterRegistrationBean<ErrorDispatchFilter> registration() {
        var registration = new FilterRegistrationBean<ErrorDispatchFilter>(this);
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** Writes the answer to the error the dispatch is for. */
    protected abstract void answer(HttpServletResponse response, ProblemErrorController.Description error)
            throws IOException;

    @Override
    protected final boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected final boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
                && (uri.equals(path) || uri.startsWith(path + "/")));
    }

    @Override
    protected final void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error) {
            log.error("Unhandled error outside Spring MVC: {}", LogSafe.summary(error));
            log.debug("Stack trace of the unhandled error", error);
        }
        answer(response, ProblemErrorController.described(request));
    }
}
