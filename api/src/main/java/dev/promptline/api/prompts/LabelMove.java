package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One change of a label, kept for good: where it pointed before and after, who moved it, what its policy said and, when
 * an owner moved it against a refusal, why. A traffic split set on the label or removed from it is a change too; it
 * leaves the label's own version as it was.
 *
 * @param fromVersion null when the label was new
 * @param toVersion null when the label was removed
 * @param gate the policy's verdict and figures; null when the label had no policy
 * @param overrideReason set exactly when the move went against a refusal
 * @param split for a split set or removed: its {@code id} and {@code arms} ({@code version}, {@code weight}); null for
 *     a move
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
        @Nullable String overrideReason,
        Kind kind,
        @Nullable Map<String, Object> split) {
    /** What changed: where the label points, or its traffic split. */
    public enum Kind {
        MOVE,
        SPLIT,
        UNSPLIT;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromValue(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public LabelMove {
        requireNonNull(id, "id is null");
        requireNonNull(promptId, "promptId is null");
        requireNonNull(label, "label is null");
        requireNonNull(movedAt, "movedAt is null");
        requireNonNull(kind, "kind is null");
    }
}
