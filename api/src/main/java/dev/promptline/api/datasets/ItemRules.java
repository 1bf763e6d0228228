package dev.promptline.api.datasets;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What an item may hold, whichever way it arrives (a JSON request, a JSONL or CSV upload, an execution). The limits
 * keep one item small enough to render into a prompt and to show in a list; they are documented in
 * docs/evaluations.md.
 */
final class ItemRules {
    /** As the variables of an execution: a plain identifier, which is what a template can name. */
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    static final int MAX_VARIABLES = 100;
    static final int MAX_TEXT = 100_000;
    static final int MAX_METADATA_KEYS = 50;
    static final int MAX_METADATA_KEY = 100;
    static final int MAX_METADATA_TEXT = 1_000;
    /** Items in one JSON request (create, add, from executions). */
    static final int MAX_ITEMS_PER_REQUEST = 1_000;
    /** Items in one upload; the request body limit (MAX_REQUEST_BODY_SIZE) applies too. */
    static final int MAX_ITEMS_PER_UPLOAD = 10_000;
    /** Items in one version of a dataset. */
    static final int MAX_ITEMS_PER_DATASET = 100_000;

    /** A broken rule: the path to the field (such as {@code input}, {@code ticket}) and what is wrong with it. */
    record Violation(List<String> field, String detail) {
        Violation {
            field = List.copyOf(field);
        }

        /** {@code input.ticket}: how an upload names a field. */
        String dotted() {
            return String.join(".", field);
        }

        /** A JSON Pointer under {@code prefix}, such as {@code #/items/3/input/ticket}. */
        String pointer(String prefix) {
            StringBuilder pointer = new StringBuilder(prefix);
            for (String segment : field) {
                pointer.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
            }
            return pointer.toString();
        }
    }

    private ItemRules() {}

    /** The first rule the item breaks, or null if it keeps them all. */
    static @Nullable Violation check(ItemDraft item) {
        if (item.input().size() > MAX_VARIABLES) {
            return new Violation(List.of("input"), "must have at most %d variables".formatted(MAX_VARIABLES));
        }
        for (Map.Entry<String, String> variable : item.input().entrySet()) {
            String name = variable.getKey();
            if (!VARIABLE.matcher(name).matches()) {
                return new Violation(
                        List.of("input", name),
                        "must be a plain variable name (letters, digits, underscores; at most 64)");
            }
            Violation text = text(List.of("input", name), variable.getValue(), MAX_TEXT);
            if (text != null) {
                return text;
            }
        }
        if (item.expectedOutput() != null) {
            Violation text = text(List.of("expectedOutput"), item.expectedOutput(), MAX_TEXT);
            if (text != null) {
                return text;
            }
        }
        if (item.metadata().size() > MAX_METADATA_KEYS) {
            return new Violation(List.of("metadata"), "must have at most %d keys".formatted(MAX_METADATA_KEYS));
        }
        for (Map.Entry<String, Object> entry : item.metadata().entrySet()) {
            String key = entry.getKey();
            if (key.isBlank() || key.length() > MAX_METADATA_KEY || key.indexOf('\0') >= 0) {
                return new Violation(
                        List.of("metadata", key),
                        "a key must be 1 to %d characters, not blank, without NUL".formatted(MAX_METADATA_KEY));
            }
            Object value = entry.getValue();
            switch (value) {
                case String s -> {
                    Violation text = text(List.of("metadata", key), s, MAX_METADATA_TEXT);
                    if (text != null) {
                        return text;
                    }
                }
                case Boolean _, Integer _, Long _, BigInteger _, BigDecimal _ -> {}
                case Double d when Double.isFinite(d) -> {}
                case Float f when Float.isFinite(f) -> {}
                case null, default -> {
                    return new Violation(List.of("metadata", key), "must be text, a number or a boolean");
                }
            }
        }
        return null;
    }

    private static @Nullable Violation text(List<String> field, @Nullable String value, int max) {
        if (value == null) {
            return new Violation(field, "must be text, not null");
        }
        if (value.length() > max) {
            return new Violation(field, "must be at most %d characters".formatted(max));
        }
        if (value.indexOf('\0') >= 0) {
            return new Violation(field, "must not contain NUL (U+0000) characters");
        }
        return null;
    }
}
