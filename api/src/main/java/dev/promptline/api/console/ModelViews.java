package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the model pages show, already in words. A credential appears only as the kind that is set. */
public final class ModelViews {
    /** The provider choices of the register form, in the API's spelling. */
    public static final List<String> PROVIDERS = List.of("openai", "anthropic", "huggingface", "custom", "echo");

    /** The model list: one page of rows, a link to the next, and what just changed. */
    public record ModelsPage(
            List<ModelRow> rows,
            @Nullable String nextPageUrl,
            @Nullable String notice) {
        public ModelsPage {
            rows = List.copyOf(rows);
        }
    }

    public record ModelRow(
            String id,
            String name,
            String provider,
            String providerModelId,
            String baseUrl,
            boolean enabled,
            String inputPrice,
            String outputPrice,
            String timeouts,
            String credential) {
        public String editUrl() {
            return "/console/models/" + id + "/edit";
        }

        public String enabledUrl() {
            return "/console/models/" + id + "/enabled";
        }
    }

    /**
     * The register or edit form, with its fields as typed (or as stored) and the refusals of the last attempt. A new
     * API key is never kept in it: it is typed again after a refusal, and never shown once stored.
     *
     * @param id the model's id when editing, null when registering
     * @param credential what kind of credential is set now, in words, when editing
     */
    public record ModelFormPage(@Nullable String id, ModelForm form, String credential, List<String> errors) {
        public ModelFormPage {
            errors = List.copyOf(errors);
        }

        public boolean editing() {
            return id != null;
        }

        public String action() {
            return id == null ? "/console/models" : "/console/models/" + id;
        }
    }

    /** A model's fields as the form holds them: text, empty for unset. */
    public record ModelForm(
            String provider,
            String name,
            String providerModelId,
            String baseUrl,
            String temperature,
            String topP,
            String maxTokens,
            String stop,
            String inputPrice,
            String outputPrice,
            String firstToken,
            String idle,
            String envVar) {
        public static final ModelForm EMPTY = new ModelForm("openai", "", "", "", "", "", "", "", "", "", "", "", "");
    }

    private ModelViews() {}
}
