package dev.promptline.api.console;

import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.evaluations.EvaluatorService;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.prompts.PromptService;
import java.util.List;
import org.springframework.stereotype.Component;

/** The lists the console's forms and filters choose from: an organization's prompts, models, datasets, evaluators. */
@Component
class ConsoleChoices {
    /** The most a list offers; an organization with more narrows by name on the list pages. */
    static final int MAX = 200;

    private final PromptService prompts;
    private final ModelService models;
    private final DatasetService datasets;
    private final EvaluatorService evaluators;

    ConsoleChoices(PromptService prompts, ModelService models, DatasetService datasets, EvaluatorService evaluators) {
        this.prompts = prompts;
        this.models = models;
        this.datasets = datasets;
        this.evaluators = evaluators;
    }

    List<Choice> prompts(Caller caller) {
        return prompts.list(caller, null, null, null, null, MAX).items().stream()
                .map(prompt -> new Choice(prompt.id().value().toString(), prompt.name()))
                .toList();
    }

    /** Every model, or the enabled ones only (those a run may use). */
    List<Choice> models(Caller caller, boolean enabledOnly) {
        return models.list(caller, null, enabledOnly ? true : null, null, MAX).items().stream()
                .map(model -> new Choice(model.id().value().toString(), model.name()))
                .toList();
    }

    List<Choice> datasets(Caller caller) {
        return datasets.list(caller, null, null, MAX).items().stream()
                .map(dataset -> new Choice(
                        dataset.id().value().toString(),
                        "%s (newest v%d, %d items)"
                                .formatted(dataset.name(), dataset.latestVersion(), dataset.itemCount())))
                .toList();
    }

    /** Each evaluator with its type and newest version, the one a new experiment or benchmark pins. */
    List<Choice> evaluators(Caller caller) {
        return evaluators.list(caller.organizationId(), null, null, null, MAX).items().stream()
                .map(evaluator -> new Choice(
                        evaluator.id().value().toString(),
                        "%s (%s, v%d)"
                                .formatted(
                                        evaluator.name(),
                                        evaluator.type(),
                                        evaluator.latest().version())))
                .toList();
    }
}
