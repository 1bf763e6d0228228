package dev.promptline.api.datasets;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The content of an item, before it is stored: variable name to text, the expected output if any, flat metadata (text,
 * number or boolean values) and the execution it was made from if any. {@link ItemRules} checks it.
 */
public record ItemDraft(
        Map<String, String> input,
        @Nullable String expectedOutput,
        Map<String, Object> metadata,
        @Nullable UUID sourceExecutionId) {
    public ItemDraft {
        input = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(input, "input is null")));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(metadata, "metadata is null")));
    }
}
