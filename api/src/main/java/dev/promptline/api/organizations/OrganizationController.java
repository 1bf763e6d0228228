package dev.promptline.api.organizations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import java.time.Instant;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own organization: a key only ever sees one. */
@RestController
class OrganizationController {
    private final OrganizationRepository organizations;

    OrganizationController(OrganizationRepository organizations) {
        this.organizations = organizations;
    }

    @GetMapping("/api/v1/organization")
    OrganizationResponse current(@AuthenticationPrincipal Caller caller) {
        return organizations
                .find(caller.organizationId())
                .map(organization -> new OrganizationResponse(
                        organization.id().value(), organization.name(), organization.slug(), organization.createdAt()))
                .orElseThrow(() -> new PromptlineException(ErrorCode.RESOURCE_NOT_FOUND, "The organization is gone."));
    }

    record OrganizationResponse(UUID id, String name, String slug, Instant createdAt) {}
}
