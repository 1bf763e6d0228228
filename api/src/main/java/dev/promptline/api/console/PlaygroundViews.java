package dev.promptline.api.console;

import dev.promptline.api.console.ConsoleViews.PromptHeader;
import dev.promptline.api.console.ConsoleViews.VersionDiff;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the editor and playground templates show, already in words. */
public final class PlaygroundViews {
    /**
     * A prompt's editor and playground: the version being edited (its newest when the page opened), the edit as the
     * form holds it, and the run form's choices.
     *
     * @param conflict set when a save found that someone else saved a version meanwhile
     * @param preview set when the edit's diff against its base was asked for
     */
    public record PlaygroundPage(
            PromptHeader prompt,
            int baseVersion,
            EditorForm editor,
            List<String> variables,
            String versionModel,
            List<ModelOption> models,
            @Nullable String notice,
            List<String> errors,
            @Nullable Conflict conflict,
            @Nullable Preview preview) {
        public PlaygroundPage {
            variables = List.copyOf(variables);
            models = List.copyOf(models);
            errors = List.copyOf(errors);
        }

        public String url() {
            return prompt.url() + "/playground";
        }
    }

    /** The editor's fields as text, so that a refused save shows exactly what was typed. */
    public record EditorForm(
            String format,
            String text,
            List<MessageField> messages,
            String modelId,
            String temperature,
            String topP,
            String maxTokens,
            String stop,
            String commitMessage) {
        public EditorForm {
            messages = List.copyOf(messages);
        }

        public boolean chat() {
            return "chat".equals(format);
        }
    }

    /** One chat message of the editor; {@code index} numbers its fields. */
    public record MessageField(int index, String role, String content) {
        public static final List<String> ROLES = List.of("system", "user", "assistant");
    }

    /** A registered, enabled model to pick. */
    public record ModelOption(String id, String name) {}

    /**
     * A save refused because the prompt moved on: the version now newest, and what saving the edit on top of it
     * would change.
     */
    public record Conflict(int latestVersion, int editedVersion, String diffUrl, VersionDiff edit) {}

    /** An unsaved edit against the version it started from: its template, and its model and parameters. */
    public record Preview(int baseVersion, VersionDiff template, VersionDiff settings) {}

    /** The run's panel, which connects to its event stream as it is swapped into the page. */
    public record RunPanel(String eventsUrl) {}

    /** A run the server refused before starting it, in words. */
    public record RunRefused(List<String> errors) {
        public RunRefused {
            errors = List.copyOf(errors);
        }
    }

    /** The run's status once the runtime accepted it: the execution's page and how to cancel it. */
    public record RunStarted(String executionId) {
        public String executionUrl() {
            return "/console/executions/" + executionId;
        }

        public String cancelUrl() {
            return executionUrl() + "/cancel";
        }
    }

    /**
     * How a run ended. {@code executionId} is null when it never started (refused by the service, or the run
     * expired before its stream opened).
     */
    public record RunEnded(
            @Nullable String executionId,
            String status,
            String tokens,
            String cost,
            String latency,
            @Nullable String error) {
        public @Nullable String executionUrl() {
            return executionId == null ? null : "/console/executions/" + executionId;
        }

        public boolean succeeded() {
            return "succeeded".equals(status);
        }
    }

    private PlaygroundViews() {}
}
