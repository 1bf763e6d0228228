package dev.promptline.api.leaderboards;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.prompts.PromptId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a prompt's label needs before it moves to a version: that version's entry on the benchmark reaches {@code
 * threshold} on the evaluator's mean, and is no worse than the current version's by more than {@code maxRegression}.
 */
public record LabelPolicy(
        PromptId promptId,
        String label,
        BenchmarkId benchmarkId,
        UUID evaluatorId,
        double threshold,
        double maxRegression,
        @Nullable UUID updatedBy,
        Instant updatedAt) {
    public LabelPolicy {
        requireNonNull(promptId, "promptId is null");
        requireNonNull(label, "label is null");
        requireNonNull(benchmarkId, "benchmarkId is null");
        requireNonNull(evaluatorId, "evaluatorId is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
