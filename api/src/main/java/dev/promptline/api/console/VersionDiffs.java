package dev.promptline.api.console;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import dev.promptline.api.console.ConsoleViews.DiffLine;
import dev.promptline.api.console.ConsoleViews.VersionDiff;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptTemplate;
import dev.promptline.api.prompts.PromptVersion;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Line diffs of two versions: their templates (a chat template as one block per message under its role) and their
 * parameters (model and sampling settings, one per line), with java-diff-utils' Myers diff.
 */
final class VersionDiffs {
    static VersionDiff templates(@Nullable PromptVersion from, PromptVersion to) {
        return diff(from == null ? List.of() : templateLines(from.template()), templateLines(to.template()));
    }

    static VersionDiff parameters(@Nullable PromptVersion from, PromptVersion to, ModelNames models) {
        return diff(from == null ? List.of() : parameterLines(from, models), parameterLines(to, models));
    }

    /** How a version's model is named on the page. */
    interface ModelNames {
        String nameOf(java.util.UUID modelId);
    }

    static List<String> templateLines(PromptTemplate template) {
        return switch (template) {
            case PromptTemplate.Text text -> text.text().lines().toList();
            case PromptTemplate.Chat chat -> {
                var lines = new ArrayList<String>();
                for (ChatMessage message : chat.messages()) {
                    lines.add("[" + message.role() + "]");
                    lines.addAll(message.content().lines().toList());
                }
                yield lines;
            }
        };
    }

    static List<String> parameterLines(PromptVersion version, ModelNames models) {
        var lines = new ArrayList<>(settingLines(version.modelId(), version.parameters(), models));
        lines.add("variables: " + (version.variables().isEmpty() ? "(none)" : String.join(", ", version.variables())));
        return lines;
    }

    /** A model and its sampling parameters, one per line: what an unsaved edit has before its variables are known. */
    static List<String> settingLines(java.util.@Nullable UUID modelId, ModelParameters parameters, ModelNames models) {
        var lines = new ArrayList<String>();
        lines.add("model: " + (modelId == null ? "(none)" : models.nameOf(modelId)));
        lines.add("temperature: " + shown(parameters.temperature()));
        lines.add("topP: " + shown(parameters.topP()));
        lines.add("maxTokens: " + shown(parameters.maxTokens()));
        lines.add("stop: " + (parameters.stop() == null ? "(default)" : String.join(", ", parameters.stop())));
        return lines;
    }

    static VersionDiff diff(List<String> before, List<String> after) {
        var lines = new ArrayList<DiffLine>();
        int oldIndex = 0;
        int newIndex = 0;
        for (AbstractDelta<String> delta : DiffUtils.diff(before, after).getDeltas()) {
            while (oldIndex < delta.getSource().getPosition()) {
                lines.add(new DiffLine("same", oldIndex + 1, newIndex + 1, before.get(oldIndex)));
                oldIndex++;
                newIndex++;
            }
            for (String line : delta.getSource().getLines()) {
                lines.add(new DiffLine("removed", oldIndex + 1, null, line));
                oldIndex++;
            }
            for (String line : delta.getTarget().getLines()) {
                lines.add(new DiffLine("added", null, newIndex + 1, line));
                newIndex++;
            }
        }
        while (oldIndex < before.size()) {
            lines.add(new DiffLine("same", oldIndex + 1, newIndex + 1, before.get(oldIndex)));
            oldIndex++;
            newIndex++;
        }
        return new VersionDiff(lines, before.equals(after));
    }

    private static String shown(@Nullable Object value) {
        return value == null ? "(default)" : value.toString();
    }

    private VersionDiffs() {}
}
