package dev.promptline.api.openai;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a request's {@code model} names. The grammar:
 *
 * <ul>
 *   <li>{@code prompt:<name>}: the prompt's version under the {@code production} label, else its newest;
 *   <li>{@code prompt:<name>@<label>}: the version under that label;
 *   <li>{@code prompt:<name>#<version>}: that version number;
 *   <li>anything else: the name of a model registered in the organization, called with the client's messages.
 * </ul>
 *
 * The selector is read from the end, so a prompt whose own name ends like one ({@code a@b}) is named with an explicit
 * selector ({@code prompt:a@b@production}).
 */
sealed interface ModelReference {
    String PROMPT_PREFIX = "prompt:";

    /** A saved prompt, with at most one of version and label. */
    record Prompt(
            String name,
            @Nullable Integer version,
            @Nullable String label) implements ModelReference {}

    /** A registered model by its name. */
    record Registered(String name) implements ModelReference {}

    Pattern VERSION = Pattern.compile("(.+)#([1-9][0-9]{0,8})");
    Pattern LABEL = Pattern.compile("(.+)@([a-z0-9][a-z0-9_.-]{0,99})");

    static ModelReference parse(String model) {
        if (!model.startsWith(PROMPT_PREFIX)) {
            return new Registered(model);
        }
        String reference = model.substring(PROMPT_PREFIX.length());
        if (reference.isBlank()) {
            throw new OpenAiException(
                    OpenAiError.invalidParam(
                            "model",
                            "'prompt:' needs a prompt's name: prompt:<name>, prompt:<name>@<label> or prompt:<name>#<version>."));
        }
        var version = VERSION.matcher(reference);
        if (version.matches()) {
            return new Prompt(version.group(1), Integer.valueOf(version.group(2)), null);
        }
        var label = LABEL.matcher(reference);
        if (label.matches()) {
            return new Prompt(label.group(1), null, label.group(2));
        }
        return new Prompt(reference, null, null);
    }
}
