package dev.promptline.api.evaluations.deterministic;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An output read as one JSON document, or why it is not one. */
record JsonOutput(@Nullable JsonNode document, @Nullable String problem) {
    /** Strict: one document and nothing after it, as a program reading the output would need. */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static JsonOutput read(@Nullable String output) {
        if (output == null) {
            return new JsonOutput(null, "the execution produced no output");
        }
        if (output.isBlank()) {
            return new JsonOutput(null, "the output is empty, not JSON");
        }
        try {
            JsonNode document = STRICT.readTree(output);
            if (document == null || document.isMissingNode()) {
                return new JsonOutput(null, "the output is empty, not JSON");
            }
            return new JsonOutput(document, null);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line %d, column %d".formatted(at.getLineNr(), at.getColumnNr());
            return new JsonOutput(null, "not valid JSON%s: %s".formatted(where, firstLine(e.getOriginalMessage())));
        }
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
