package dev.promptline.api.console;

import dev.promptline.api.console.PlaygroundViews.ModelOption;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.prompts.PromptService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Creating a prompt with its first version, as {@code POST /api/v1/prompts} does, through the same service; then on to
 * its editor, where the version can be tried, tuned and saved again.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class NewPromptController {
    private static final int MAX_MODELS = 200;

    private final PromptService prompts;
    private final ModelService models;

    NewPromptController(PromptService prompts, ModelService models) {
        this.prompts = prompts;
        this.models = models;
    }

    @GetMapping("/console/prompts/new")
    String form(@AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("page", new NewPromptPage(NewPromptForm.EMPTY, options(caller), List.of()));
        return "console/newPrompt";
    }

    @PostMapping("/console/prompts")
    String create(
            @AuthenticationPrincipal Caller caller,
            @RequestParam MultiValueMap<String, String> posted,
            Model model,
            HttpServletResponse response) {
        NewPromptForm form = NewPromptForm.of(posted);
        var errors = new ArrayList<>(form.mistakes());
        UUID modelId = PlaygroundForms.modelId(form.modelId(), errors);
        if (errors.isEmpty()) {
            try {
                var created = prompts.create(
                        caller,
                        form.name(),
                        form.description(),
                        form.tagList(),
                        new PromptService.Draft(form.template(), modelId, null, List.of(), null, form.commitMessage()));
                return "redirect:/console/prompts/%s/playground?saved=1"
                        .formatted(created.prompt().id());
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
            }
        }
        response.setStatus(422);
        model.addAttribute("page", new NewPromptPage(form, options(caller), errors));
        return "console/newPrompt";
    }

    private List<ModelOption> options(Caller caller) {
        return models.list(caller, null, true, null, MAX_MODELS).items().stream()
                .map(found -> new ModelOption(found.id().value().toString(), found.name()))
                .toList();
    }
}
