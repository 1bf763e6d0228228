package dev.promptline.api.console;

import dev.promptline.api.console.ModelViews.ModelFormPage;
import dev.promptline.api.console.ModelViews.ModelRow;
import dev.promptline.api.console.ModelViews.ModelsPage;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The model pages: the registry's list, registering a model, editing one, and disabling or enabling it. Everything
 * goes through {@link ModelService}, as the REST API does, so its rules and refusals are the same; any role reads,
 * member or above changes (the filter chain enforces it). A credential can be replaced but is never shown.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ModelPagesController {
    private static final int PAGE_SIZE = 50;
    private static final Map<String, String> NOTICES = Map.of(
            "registered", "The model is registered.",
            "saved", "The model is saved.",
            "disabled", "The model is disabled: executions that name it are refused.",
            "enabled", "The model is enabled.");

    private final ModelService models;

    ModelPagesController(ModelService models) {
        this.models = models;
    }

    @GetMapping("/console/models")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable String done,
            Model model) {
        Page<dev.promptline.api.models.Model> page =
                models.list(caller, null, null, pageToken == null || pageToken.isBlank() ? null : pageToken, PAGE_SIZE);
        List<ModelRow> rows =
                page.items().stream().map(ModelPagesController::row).toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/models?pageToken=" + URLEncoder.encode(page.nextPageToken(), StandardCharsets.UTF_8);
        model.addAttribute("page", new ModelsPage(rows, next, done == null ? null : NOTICES.get(done)));
        return "console/models";
    }

    /** The register form. Member or above, as registering. */
    @GetMapping("/console/models/new")
    String registerForm(Model model) {
        model.addAttribute("page", new ModelFormPage(null, ModelViews.ModelForm.EMPTY, "none", List.of()));
        return "console/modelForm";
    }

    @PostMapping("/console/models")
    String register(
            @AuthenticationPrincipal Caller caller,
            @RequestParam MultiValueMap<String, String> fields,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        ModelForms.Parsed parsed = ModelForms.parse(fields, true);
        if (parsed.changes() == null || parsed.provider() == null) {
            return refused(model, response, 400, new ModelFormPage(null, parsed.form(), "none", parsed.errors()));
        }
        try {
            models.create(caller, parsed.provider(), parsed.changes());
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                throw refused;
            }
            return refused(
                    model,
                    response,
                    refused.code().status(),
                    new ModelFormPage(null, parsed.form(), "none", List.of(ConsoleWords.of(refused))));
        }
        redirect.addAttribute("done", "registered");
        return "redirect:/console/models";
    }

    /** The edit form. Member or above, as editing. */
    @GetMapping("/console/models/{modelId}/edit")
    String editForm(@AuthenticationPrincipal Caller caller, @PathVariable UUID modelId, Model model) {
        dev.promptline.api.models.Model stored = models.get(caller.organizationId(), new ModelId(modelId));
        model.addAttribute(
                "page",
                new ModelFormPage(
                        modelId.toString(),
                        ModelForms.of(stored),
                        ModelForms.credential(stored.credential()),
                        List.of()));
        return "console/modelForm";
    }

    @PostMapping("/console/models/{modelId}")
    String edit(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID modelId,
            @RequestParam MultiValueMap<String, String> fields,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var id = new ModelId(modelId);
        dev.promptline.api.models.Model stored = models.get(caller.organizationId(), id);
        String credential = ModelForms.credential(stored.credential());
        ModelForms.Parsed parsed = ModelForms.parse(fields, false);
        // The provider cannot change; the form shows the stored one whatever was posted.
        var form = withProvider(parsed.form(), stored);
        if (parsed.changes() == null) {
            return refused(
                    model, response, 400, new ModelFormPage(modelId.toString(), form, credential, parsed.errors()));
        }
        try {
            models.update(caller, id, parsed.changes());
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                throw refused;
            }
            return refused(
                    model,
                    response,
                    refused.code().status(),
                    new ModelFormPage(modelId.toString(), form, credential, List.of(ConsoleWords.of(refused))));
        }
        redirect.addAttribute("done", "saved");
        return "redirect:/console/models";
    }

    @PostMapping("/console/models/{modelId}/enabled")
    String enable(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID modelId,
            @RequestParam boolean enabled,
            RedirectAttributes redirect) {
        models.update(
                caller,
                new ModelId(modelId),
                new ModelService.Changes(null, null, null, null, null, null, null, enabled, null));
        redirect.addAttribute("done", enabled ? "enabled" : "disabled");
        return "redirect:/console/models";
    }

    private static String refused(Model model, HttpServletResponse response, int status, ModelFormPage page) {
        response.setStatus(status);
        model.addAttribute("page", page);
        return "console/modelForm";
    }

    private static ModelViews.ModelForm withProvider(
            ModelViews.ModelForm form, dev.promptline.api.models.Model stored) {
        return new ModelViews.ModelForm(
                stored.provider().value(),
                form.name(),
                form.providerModelId(),
                form.baseUrl(),
                form.temperature(),
                form.topP(),
                form.maxTokens(),
                form.stop(),
                form.inputPrice(),
                form.outputPrice(),
                form.firstToken(),
                form.idle(),
                form.envVar());
    }

    private static ModelRow row(dev.promptline.api.models.Model model) {
        return new ModelRow(
                model.id().value().toString(),
                model.name(),
                model.provider().value(),
                model.providerModelId(),
                model.baseUrl() == null ? "" : model.baseUrl().toString(),
                model.enabled(),
                ModelForms.price(model.inputPricePerMillion()),
                ModelForms.price(model.outputPricePerMillion()),
                ModelForms.timeouts(model.timeouts()),
                ModelForms.credential(model.credential()));
    }
}
