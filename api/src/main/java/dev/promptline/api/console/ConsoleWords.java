package dev.promptline.api.console;

import dev.promptline.api.platform.errors.FieldViolation;
import dev.promptline.api.platform.errors.PromptlineException;
import java.util.stream.Collectors;

/** A service's refusal as a sentence for a page: its detail, or each bad field with why. */
final class ConsoleWords {
    static String of(PromptlineException refused) {
        if (refused.violations().isEmpty()) {
            return refused.getMessage();
        }
        return refused.violations().stream().map(ConsoleWords::of).collect(Collectors.joining(" "));
    }

    private static String of(FieldViolation violation) {
        String field = violation.pointer().replaceFirst("^#/?", "").replace('/', ' ');
        return (field.isEmpty() ? "The request" : field) + " " + violation.detail() + ".";
    }

    private ConsoleWords() {}
}
