package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How an execution came to its version through a label: the label it resolved and, when the label had a traffic split,
 * the split that picked the version (the arm is the version: a split names each version once).
 *
 * @param splitId null when the label had no split
 */
public record LabelRoute(String label, @Nullable UUID splitId) {
    public LabelRoute {
        requireNonNull(label, "label is null");
    }
}
