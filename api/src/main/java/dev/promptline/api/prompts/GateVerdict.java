package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a label's policy says about a move; its figures are shown to the caller and kept with the move. */
public sealed interface GateVerdict {
    /** The label has no policy: any move is allowed. */
    record NoPolicy() implements GateVerdict {}

    /** The candidate met the policy. */
    record Passed(Map<String, Object> figures) implements GateVerdict {
        public Passed {
            figures = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(figures, "figures is null")));
        }
    }

    /** The candidate did not meet the policy, with why in words and the figures that decided it. */
    record Refused(String reason, Map<String, Object> figures) implements GateVerdict {
        public Refused {
            requireNonNull(reason, "reason is null");
            figures = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(figures, "figures is null")));
        }
    }
}
