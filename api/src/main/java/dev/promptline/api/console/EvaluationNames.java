package dev.promptline.api.console;

import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.organizations.User;
import dev.promptline.api.organizations.UserService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The names the evaluation pages write instead of ids: of prompts, models, datasets and people. An experiment or a
 * leaderboard row holds ids only; a page of fifty rows names the same few things many times, so each page asks for a
 * {@link Lookup} and every name is read once per page.
 */
@Component
class EvaluationNames {
    private final PromptService prompts;
    private final ModelService models;
    private final DatasetService datasets;
    private final UserService users;

    EvaluationNames(PromptService prompts, ModelService models, DatasetService datasets, UserService users) {
        this.prompts = prompts;
        this.models = models;
        this.datasets = datasets;
        this.users = users;
    }

    Lookup lookup(Caller caller) {
        return new Lookup(caller);
    }

    /** One page's names, each read once; what was removed says so instead of failing the page. */
    final class Lookup {
        private final Caller caller;
        private final Map<UUID, String> known = new HashMap<>();

        private Lookup(Caller caller) {
            this.caller = caller;
        }

        String prompt(@Nullable UUID id) {
            if (id == null) {
                return "(removed prompt)";
            }
            return known.computeIfAbsent(id, key -> {
                try {
                    return prompts.get(caller, new PromptId(key), new PromptService.Selector(null, null))
                            .prompt()
                            .name();
                } catch (PromptlineException e) {
                    return "(removed prompt)";
                }
            });
        }

        String model(@Nullable UUID id) {
            if (id == null) {
                return "(the version's model)";
            }
            return known.computeIfAbsent(
                    id,
                    key -> models.find(caller.organizationId(), new ModelId(key))
                            .map(Model::name)
                            .orElse("(removed model)"));
        }

        String dataset(UUID id) {
            return known.computeIfAbsent(id, key -> {
                try {
                    return datasets.get(caller, new DatasetId(key)).name();
                } catch (PromptlineException e) {
                    return "(removed dataset)";
                }
            });
        }

        String person(@Nullable UserId id) {
            if (id == null) {
                return "(removed user)";
            }
            return known.computeIfAbsent(id.value(), key -> {
                try {
                    User user = users.get(caller, id);
                    return user.name() == null || user.name().isBlank() ? user.email() : user.name();
                } catch (PromptlineException e) {
                    return "(removed user)";
                }
            });
        }
    }
}
