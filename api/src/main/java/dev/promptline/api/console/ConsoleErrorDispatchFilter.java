package dev.promptline.api.console;

import dev.promptline.api.platform.web.ErrorDispatchFilter;
import dev.promptline.api.platform.web.ProblemErrorController;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The console's error page for the refusals that happen before any controller (a body or an upload over its limit),
 * instead of problem JSON in a browser tab.
 */
final class ConsoleErrorDispatchFilter extends ErrorDispatchFilter {
    private final ConsoleErrorPages pages;

    ConsoleErrorDispatchFilter(ConsoleErrorPages pages) {
        super("/console");
        this.pages = pages;
    }

    @Override
    protected void answer(HttpServletResponse response, ProblemErrorController.Description error) throws IOException {
        pages.write(response, null, new ErrorView(error.status(), error.code().title(), error.detail()));
    }
}
