package dev.promptline.api.models;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long each attempt at a model may wait, beyond the execution's deadline: a slow model and a fast one need
 * different bounds. A request's own timeouts override these; null means no bound but the deadline.
 *
 * @param firstToken longest wait for an attempt's first token; a late one is retried, then falls back to the next model
 * @param idle longest wait between two tokens once the first came; a stalled stream ends the execution
 */
public record ModelTimeouts(
        @Nullable Duration firstToken, @Nullable Duration idle) {
    public static final ModelTimeouts NONE = new ModelTimeouts(null, null);

    public ModelTimeouts {
        if (firstToken != null && (firstToken.isNegative() || firstToken.isZero())) {
            throw new IllegalArgumentException("firstToken must be positive: " + firstToken);
        }
        if (idle != null && (idle.isNegative() || idle.isZero())) {
            throw new IllegalArgumentException("idle must be positive: " + idle);
        }
    }
}
