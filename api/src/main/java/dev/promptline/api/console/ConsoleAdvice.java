package dev.promptline.api.console;

import dev.promptline.api.platform.errors.PromptlineException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every console page gets its {@link Shell}; errors from the services become the console's error page, with the
 * same words a problem detail would carry. Ordered ahead of the API's advice, which answers in JSON.
 */
@ControllerAdvice(
        assignableTypes = {
            SignInController.class,
            PromptPagesController.class,
            PlaygroundController.class,
            ExecutionPagesController.class,
            ModelPagesController.class,
            UserPagesController.class,
            ApiKeyPagesController.class,
            BudgetPagesController.class,
            DashboardController.class,
            NewBenchmarkController.class,
            NewPromptController.class,
            DatasetPagesController.class,
            ExperimentPagesController.class,
            ComparisonPages.class,
            LeaderboardPagesController.class
        })
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {
    private final Shells shells;

    ConsoleAdvice(Shells shells) {
        this.shells = shells;
    }

    @ModelAttribute("shell")
    Shell shell(HttpServletRequest request) {
        return shells.of(request);
    }

    @ExceptionHandler(PromptlineException.class)
    ModelAndView failed(PromptlineException error, HttpServletRequest request) {
        return page(request, new ErrorView(error.code().status(), error.code().title(), error.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView badParameter(MethodArgumentTypeMismatchException error, HttpServletRequest request) {
        return page(
                request,
                new ErrorView(
                        404,
                        "Not found",
                        "'%s' is not a valid %s.".formatted(String.valueOf(error.getValue()), error.getName())));
    }

    private ModelAndView page(HttpServletRequest request, ErrorView error) {
        var view = new ModelAndView("console/error");
        view.addObject("shell", shells.of(request));
        view.addObject("error", error);
        view.setStatus(HttpStatus.valueOf(error.status()));
        return view;
    }
}
