package dev.promptline.api.console;

import dev.promptline.api.platform.web.ProblemErrorController;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the servlet container's error dispatch for {@code /console/**} with the console's error page: the refusals
 * that happen before any controller (a body or upload over its limit), which the filters answer with {@code sendError}
 * and which {@link ProblemErrorController} would otherwise turn into problem JSON in a browser tab. The status and
 * detail are the ones the filter described; only the shape differs.
 */
final class ConsoleErrorDispatchFilter extends OncePerRequestFilter {
    private final ConsoleErrorPages pages;

    ConsoleErrorDispatchFilter(ConsoleErrorPages pages) {
        this.pages = pages;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
                && (uri.equals("/console") || uri.startsWith("/console/")));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        ProblemErrorController.Description description = ProblemErrorController.described(request);
        pages.write(
                response,
                null,
                new ErrorView(description.status(), description.code().title(), description.detail()));
    }
}
