package dev.promptline.api.prompts;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How each arm of a traffic split has done so far. Prompts asks; the module that owns execution records answers (a
 * bean implementing this), so prompts depends on no execution code, as with {@link LabelGate}.
 */
public interface SplitFigures {
    /** The figures of each version the split ran, by version number; a version that has not run yet is absent. */
    Map<Integer, ArmFigures> of(OrganizationId organizationId, UUID splitId);

    /**
     * One arm's executions so far.
     *
     * @param executions every execution the split sent to this version, running ones included
     * @param failed the ones that failed or timed out (cancelled ones are neither success nor failure)
     * @param meanLatencyMs over the successful ones; null before the first
     * @param costUsd the sum of what they cost
     * @param meanScores the mean of each score given to them, by score name: numeric scores as given, pass/fail
     *     scores as the share that passed
     */
    record ArmFigures(
            long executions,
            long succeeded,
            long failed,
            @Nullable Double meanLatencyMs,
            BigDecimal costUsd,
            Map<String, Double> meanScores) {
        public static final ArmFigures NONE = new ArmFigures(0, 0, 0, null, BigDecimal.ZERO, Map.of());

        /** Failed over finished (succeeded or failed); null before either. */
        public @Nullable Double errorRate() {
            long finished = succeeded + failed;
            return finished == 0 ? null : (double) failed / finished;
        }
    }
}
