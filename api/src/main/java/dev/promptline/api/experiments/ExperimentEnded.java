package dev.promptline.api.experiments;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;

/** An experiment ended (completed, failed or cancelled); published after its end is stored. */
public record ExperimentEnded(OrganizationId organizationId, ExperimentId experimentId, ExperimentStatus status) {
    public ExperimentEnded {
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(status, "status is null");
    }
}
