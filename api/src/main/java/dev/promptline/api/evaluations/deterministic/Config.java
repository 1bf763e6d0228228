package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.InvalidEvaluatorConfigException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads an evaluator's configuration, naming the first bad field as {@code config.<field>}. An unknown field is an
 * error too, so a misspelt option ({@code ignorecase}) does not silently do nothing.
 */
final class Config {
    private final JsonNode node;

    private Config(JsonNode node) {
        this.node = node;
    }

    /** The configuration, which may hold only the fields named. */
    static Config of(JsonNode config, String... fields) {
        if (!config.isObject()) {
            throw new InvalidEvaluatorConfigException("config", "must be an object");
        }
        Set<String> known = Set.of(fields);
        for (String name : config.propertyNames()) {
            if (!known.contains(name)) {
                throw new InvalidEvaluatorConfigException(
                        "config." + name,
                        known.isEmpty()
                                ? "unknown field: this type takes no configuration"
                                : "unknown field; this type takes " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return new Config(config);
    }

    @Nullable
    String text(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(name, "must be text");
        }
        return value.stringValue();
    }

    String requiredText(String name) {
        String value = text(name);
        if (value == null) {
            throw invalid(name, "is required");
        }
        return value;
    }

    boolean flag(String name, boolean otherwise) {
        JsonNode value = present(name);
        if (value == null) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw invalid(name, "must be true or false");
        }
        return value.booleanValue();
    }

    @Nullable
    BigDecimal number(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(name, "must be a number");
        }
        return value.decimalValue();
    }

    BigDecimal requiredNumber(String name) {
        BigDecimal value = number(name);
        if (value == null) {
            throw invalid(name, "is required");
        }
        return value;
    }

    /** A non-empty array of text values. */
    List<String> texts(String name, int max) {
        JsonNode value = present(name);
        if (value == null) {
            throw invalid(name, "is required");
        }
        if (!value.isArray() || value.isEmpty() || value.size() > max) {
            throw invalid(name, "must be an array of 1 to %d texts".formatted(max));
        }
        var texts = new ArrayList<String>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!element.isString() || element.stringValue().isEmpty()) {
                throw invalid(name + "." + i, "must be text, not empty");
            }
            texts.add(element.stringValue());
        }
        return List.copyOf(texts);
    }

    /** One of the choices, or the first one when absent. */
    String choice(String name, String... choices) {
        String value = text(name);
        if (value == null) {
            return choices[0];
        }
        if (!List.of(choices).contains(value)) {
            throw invalid(name, "must be one of " + String.join(", ", choices));
        }
        return value;
    }

    @Nullable
    JsonNode node(String name) {
        return present(name);
    }

    static InvalidEvaluatorConfigException invalid(String name, String message) {
        return new InvalidEvaluatorConfigException("config." + name, message);
    }

    private @Nullable JsonNode present(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }
}
