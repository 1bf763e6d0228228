package dev.promptline.api.console;

import dev.promptline.api.console.PlaygroundViews.ModelOption;
import java.util.List;

/** The new-prompt page: the form as typed, the models to pick from, and what was refused. */
public record NewPromptPage(NewPromptForm form, List<ModelOption> models, List<String> errors) {
    public NewPromptPage {
        models = List.copyOf(models);
        errors = List.copyOf(errors);
    }
}
