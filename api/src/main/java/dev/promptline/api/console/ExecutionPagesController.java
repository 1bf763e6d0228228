package dev.promptline.api.console;

import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The execution pages: cancelling a running execution, from the playground or from its page. */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ExecutionPagesController {
    private final ExecutionService executions;

    ExecutionPagesController(ExecutionService executions) {
        this.executions = executions;
    }

    /**
     * Asks the execution to stop, wherever it runs (as the REST API's cancel). htmx gets a status line to swap in;
     * a plain form goes back to the execution's page.
     */
    @PostMapping("/console/executions/{executionId}/cancel")
    String cancel(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID executionId,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model,
            RedirectAttributes redirect) {
        String message;
        try {
            executions.cancel(caller.organizationId(), executionId);
            message = "Cancel requested: the execution stops in a moment.";
        } catch (PromptlineException refused) {
            if (refused.code() != ErrorCode.EXECUTION_FINISHED) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            message = refused.getMessage();
        }
        if (ConsoleSecurityConfiguration.isHtmx(request)) {
            model.addAttribute("message", message);
            return "console/cancelled";
        }
        redirect.addFlashAttribute("notice", message);
        redirect.addAttribute("cancelled", "");
        return "redirect:/console/executions/" + executionId;
    }
}
