package dev.promptline.api.executions;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.List;
import java.util.UUID;

/**
 * The scores the single-execution read ({@code GET /api/v1/executions/{id}}) shows beside the record. The evaluations
 * module gives them; the interface lives here so that executions depends on no evaluation code (evaluations depends on
 * executions, never the other way round). The list of executions does not show scores, to stay one query.
 */
public interface ExecutionScores {
    /** The most that one execution's record shows; the execution's scores endpoint pages them all. */
    int MAX_SHOWN = 200;

    /** The execution's first {@link #MAX_SHOWN} scores as the API shows them, in the order they were given. */
    List<?> of(OrganizationId organizationId, UUID executionId);
}
