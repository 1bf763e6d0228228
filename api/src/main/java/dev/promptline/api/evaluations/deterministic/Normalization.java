package dev.promptline.api.evaluations.deterministic;

import java.util.Locale;

/**
 * How texts are made comparable before a comparison: surrounding whitespace trimmed, case ignored (by lower-casing
 * in the root locale), runs of whitespace collapsed to one space. Read from the fields {@code trim},
 * {@code ignoreCase} and {@code collapseWhitespace} of a configuration.
 */
record Normalization(boolean trim, boolean ignoreCase, boolean collapseWhitespace) {
    static final String[] FIELDS = {"trim", "ignoreCase", "collapseWhitespace"};

    static Normalization from(Config config, boolean trimByDefault) {
        return new Normalization(
                config.flag("trim", trimByDefault),
                config.flag("ignoreCase", false),
                config.flag("collapseWhitespace", false));
    }

    String apply(String text) {
        String result = collapseWhitespace ? collapse(text) : text;
        if (trim) {
            result = result.strip();
        }
        return ignoreCase ? result.toLowerCase(Locale.ROOT) : result;
    }

    /** Every run of whitespace (spaces, tabs, line breaks) as one space. */
    private static String collapse(String text) {
        var builder = new StringBuilder(text.length());
        boolean inWhitespace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (!inWhitespace) {
                    builder.append(' ');
                    inWhitespace = true;
                }
            } else {
                builder.append(c);
                inWhitespace = false;
            }
        }
        return builder.toString();
    }
}
