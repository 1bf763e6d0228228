package dev.promptline.api.console;

import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.util.MultiValueMap;

/**
 * The new-prompt form as posted, kept as typed so that a refused form comes back filled in: a name, a description,
 * comma-separated tags, and the first version's template (one text, or a system and a user message) with a model.
 */
public record NewPromptForm(
        String name,
        String description,
        String tags,
        String format,
        String text,
        String system,
        String user,
        String modelId,
        String commitMessage) {
    static final NewPromptForm EMPTY = new NewPromptForm("", "", "", "chat", "", "", "", "", "First version");
    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 10_000;
    private static final int MAX_TAGS = 20;
    private static final int MAX_TAG = 100;

    static NewPromptForm of(MultiValueMap<String, String> form) {
        return new NewPromptForm(
                value(form, "name").strip(),
                value(form, "description"),
                value(form, "tags"),
                "text".equals(form.getFirst("format")) ? "text" : "chat",
                value(form, "text"),
                value(form, "system"),
                value(form, "user"),
                value(form, "modelId"),
                value(form, "commitMessage"));
    }

    public boolean chat() {
        return "chat".equals(format);
    }

    List<String> tagList() {
        return Arrays.stream(tags.split(","))
                .map(String::strip)
                .filter(tag -> !tag.isEmpty())
                .distinct()
                .toList();
    }

    PromptTemplate template() {
        if (!chat()) {
            return new PromptTemplate.Text(text);
        }
        var messages = new ArrayList<ChatMessage>();
        if (!system.isBlank()) {
            messages.add(new ChatMessage("system", system));
        }
        if (!user.isBlank()) {
            messages.add(new ChatMessage("user", user));
        }
        return new PromptTemplate.Chat(messages);
    }

    /** What the REST API's request checks would refuse, in words. */
    List<String> mistakes() {
        var errors = new ArrayList<String>();
        if (name.isEmpty()) {
            errors.add("Give the prompt a name.");
        } else if (name.length() > MAX_NAME || name.contains("/")) {
            errors.add("A name is at most 255 characters, without '/'.");
        }
        if (description.length() > MAX_DESCRIPTION) {
            errors.add("The description is longer than 10,000 characters.");
        }
        List<String> tagList = tagList();
        if (tagList.size() > MAX_TAGS || tagList.stream().anyMatch(tag -> tag.length() > MAX_TAG)) {
            errors.add("At most 20 tags, each at most 100 characters.");
        }
        if (chat() ? system.isBlank() && user.isBlank() : text.isBlank()) {
            errors.add(chat() ? "Write a system or a user message." : "Write the template's text.");
        }
        if (text.length() > PlaygroundForms.MAX_TEXT
                || system.length() > PlaygroundForms.MAX_TEXT
                || user.length() > PlaygroundForms.MAX_TEXT) {
            errors.add("A template or message is longer than 100,000 characters.");
        }
        if (commitMessage.length() > PlaygroundForms.MAX_COMMIT_MESSAGE) {
            errors.add("The commit message is longer than 1,000 characters.");
        }
        return errors;
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.replace("\r\n", "\n");
    }
}
