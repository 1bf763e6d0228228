package dev.promptline.api.console;

import dev.promptline.api.console.PlaygroundViews.EditorForm;
import dev.promptline.api.console.PlaygroundViews.MessageField;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptTemplate;
import dev.promptline.api.prompts.PromptVersion;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/**
 * The editor's and the run form's fields, read from a posted form into what the services take, with each mistake
 * in words (the same ranges as the REST API's parameters). Fields are read by name from the raw form: a repeated
 * field bound to a list would be split at its commas.
 */
final class PlaygroundForms {
    static final int MAX_MESSAGES = 100;
    static final int MAX_TEXT = 100_000;
    static final int MAX_COMMIT_MESSAGE = 1_000;
    static final int MAX_STOP_SEQUENCES = 4;

    /** Sampling parameters and the mistakes found in them; blank fields are left unset. */
    record Parameters(ModelParameters parameters, List<String> errors) {}

    static Parameters parameters(
            @Nullable String temperature, @Nullable String topP, @Nullable String maxTokens, @Nullable String stop) {
        var errors = new ArrayList<String>();
        Double parsedTemperature = decimal(temperature, "Temperature", 2, errors);
        Double parsedTopP = decimal(topP, "Top p", 1, errors);
        Integer parsedMaxTokens = null;
        if (!blank(maxTokens)) {
            try {
                parsedMaxTokens = Integer.valueOf(maxTokens.strip());
            } catch (NumberFormatException e) {
                parsedMaxTokens = -1;
            }
            if (parsedMaxTokens < 1 || parsedMaxTokens > 1_000_000) {
                errors.add("Max tokens must be a whole number from 1 to 1,000,000.");
                parsedMaxTokens = null;
            }
        }
        List<String> stops = null;
        if (!blank(stop)) {
            stops = stop.lines().filter(line -> !line.isBlank()).toList();
            if (stops.size() > MAX_STOP_SEQUENCES || stops.stream().anyMatch(line -> line.length() > 64)) {
                errors.add("Stop sequences: at most 4, one per line, each at most 64 characters.");
                stops = null;
            }
        }
        return new Parameters(new ModelParameters(parsedTemperature, parsedTopP, parsedMaxTokens, stops), errors);
    }

    /** A model's id from a select; blank for none. A value that is no UUID is a mistake, not a crash. */
    static @Nullable UUID modelId(@Nullable String value, List<String> errors) {
        if (blank(value)) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            errors.add("The model '%s' is not one of the choices.".formatted(value));
            return null;
        }
    }

    /** The template the editor holds: one text, or the chat messages whose content is not blank. */
    static PromptTemplate template(EditorForm form) {
        if (!form.chat()) {
            return new PromptTemplate.Text(form.text());
        }
        return new PromptTemplate.Chat(form.messages().stream()
                .filter(message -> !message.content().isBlank())
                .map(message -> new ChatMessage(message.role(), message.content()))
                .toList());
    }

    /** What the REST API's request checks would refuse in this edit, in words. */
    static List<String> mistakes(EditorForm form) {
        var errors = new ArrayList<String>();
        if (form.chat()) {
            List<MessageField> written = form.messages().stream()
                    .filter(message -> !message.content().isBlank())
                    .toList();
            if (written.isEmpty()) {
                errors.add("A chat template needs at least one message with some content.");
            }
            for (MessageField message : written) {
                if (!MessageField.ROLES.contains(message.role())) {
                    errors.add(
                            "Message %d: the role must be system, user or assistant.".formatted(message.index() + 1));
                }
                if (message.content().length() > MAX_TEXT) {
                    errors.add("Message %d is longer than 100,000 characters.".formatted(message.index() + 1));
                }
            }
        } else if (form.text().length() > MAX_TEXT) {
            errors.add("The template is longer than 100,000 characters.");
        }
        if (form.commitMessage().length() > MAX_COMMIT_MESSAGE) {
            errors.add("The commit message is longer than 1,000 characters.");
        }
        return errors;
    }

    /** The editor's fields as posted; a role that is not one of the choices is kept, for the service to refuse. */
    static EditorForm editor(MultiValueMap<String, String> form) {
        String format = "chat".equals(form.getFirst("format")) ? "chat" : "text";
        var messages = new ArrayList<MessageField>();
        for (int index = 0; index < MAX_MESSAGES; index++) {
            String content = form.getFirst("content." + index);
            if (content == null) {
                break;
            }
            String role = form.getFirst("role." + index);
            messages.add(new MessageField(index, role == null ? "user" : role, normalized(content)));
        }
        return new EditorForm(
                format,
                normalized(value(form, "text")),
                messages,
                value(form, "modelId"),
                value(form, "temperature"),
                value(form, "topP"),
                value(form, "maxTokens"),
                value(form, "stop"),
                value(form, "commitMessage"));
    }

    /** The editor filled with a version, and one empty message to add to a chat. */
    static EditorForm editor(PromptVersion version) {
        ModelParameters parameters = version.parameters();
        String text = "";
        var messages = new ArrayList<MessageField>();
        switch (version.template()) {
            case PromptTemplate.Text plain -> text = plain.text();
            case PromptTemplate.Chat chat -> {
                for (ChatMessage message : chat.messages()) {
                    messages.add(new MessageField(messages.size(), message.role(), message.content()));
                }
            }
        }
        if (version.template() instanceof PromptTemplate.Chat) {
            messages.add(new MessageField(messages.size(), "user", ""));
        }
        return new EditorForm(
                version.template().format(),
                text,
                messages,
                version.modelId() == null ? "" : version.modelId().toString(),
                shown(parameters.temperature()),
                shown(parameters.topP()),
                shown(parameters.maxTokens()),
                parameters.stop() == null ? "" : String.join("\n", parameters.stop()),
                "");
    }

    /** The edit again with one empty chat message at its end, when it has none, so that another can be added. */
    static EditorForm withEmptyMessage(EditorForm form) {
        if (!form.chat()
                || (!form.messages().isEmpty()
                        && form.messages().getLast().content().isBlank())) {
            return form;
        }
        var messages = new ArrayList<>(form.messages());
        messages.add(new MessageField(messages.size(), "user", ""));
        return new EditorForm(
                form.format(),
                form.text(),
                messages,
                form.modelId(),
                form.temperature(),
                form.topP(),
                form.maxTokens(),
                form.stop(),
                form.commitMessage());
    }

    private static @Nullable Double decimal(@Nullable String value, String name, int max, List<String> errors) {
        if (blank(value)) {
            return null;
        }
        try {
            var number = new BigDecimal(value.strip());
            if (number.signum() >= 0 && number.compareTo(BigDecimal.valueOf(max)) <= 0) {
                return number.doubleValue();
            }
        } catch (NumberFormatException e) {
            // Said in words below.
        }
        errors.add("%s must be a number from 0 to %d.".formatted(name, max));
        return null;
    }

    private static String shown(@Nullable Number value) {
        if (value == null) {
            return "";
        }
        return value instanceof Double number
                ? BigDecimal.valueOf(number).stripTrailingZeros().toPlainString()
                : value.toString().toLowerCase(Locale.ROOT);
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value;
    }

    /** Browsers send a textarea's line breaks as CRLF; templates keep plain LF, as the API stores them. */
    private static String normalized(String text) {
        return text.replace("\r\n", "\n");
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private PlaygroundForms() {}
}
