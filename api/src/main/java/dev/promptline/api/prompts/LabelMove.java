package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One change of a label, kept for good: where it pointed before and after, who moved it, what its policy said and, when
 * an owner moved it against a refusal, why.
 *
 * @param fromVersion null when the label was new
 * @param toVersion null when the label was removed
 * @param gate the policy's verdict and figures; null when the label had no policy
 * @param overrideReason set exactly when the move went against a refusal
 */
public record LabelMove(
        UUID id,
        PromptId promptId,
        String label,
        @Nullable Integer fromVersion,
        @Nullable Integer toVersion,
        @Nullable UUID movedBy,
        Instant movedAt,
        @Nullable Map<String, Object> gate,
        @Nullable String overrideReason) {
    public LabelMove {
        requireNonNull(id, "id is null");
        requireNonNull(promptId, "promptId is null");
        requireNonNull(label, "label is null");
        requireNonNull(movedAt, "movedAt is null");
    }
}
