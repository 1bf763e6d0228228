package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.UserId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An immutable version of an evaluator, numbered 1, 2, 3, ... per evaluator: the configuration its type is run with.
 * The id is what a score and an experiment pin.
 */
public record EvaluatorVersion(
        UUID id,
        EvaluatorId evaluatorId,
        int version,
        String type,
        JsonNode config,
        @Nullable UserId createdBy,
        Instant createdAt) {
    public EvaluatorVersion {
        requireNonNull(id, "id is null");
        requireNonNull(evaluatorId, "evaluatorId is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        requireNonNull(type, "type is null");
        requireNonNull(config, "config is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
