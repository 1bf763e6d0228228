package dev.promptline.api.organizations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tenant administration for whoever runs the service: every organization, not the caller's own. Takes the operator
 * key ({@code OPERATOR_API_KEY}), never an API key; without that variable it is off.
 */
@RestController
@RequestMapping("/operator/v1/organizations")
class TenantController {
    private final TenantService tenants;

    TenantController(TenantService tenants) {
        this.tenants = tenants;
    }

    /** Creates an organization with its first owner and that owner's key; {@code key} is shown in this response only. */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<CreatedTenantResponse> create(@Valid @RequestBody CreateTenantRequest request) {
        TenantService.NewTenant created = tenants.create(
                request.name(),
                request.slug(),
                request.owner().email(),
                request.owner().name());
        return ResponseEntity.created(URI.create(
                        "/operator/v1/organizations/" + created.organization().id()))
                .body(new CreatedTenantResponse(
                        TenantResponse.from(created.organization()),
                        UserController.UserResponse.from(created.owner()),
                        ApiKeyController.ApiKeyResponse.from(created.key().key()),
                        created.key().token()));
    }

    @GetMapping
    Page<TenantResponse> list(
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return tenants.list(pageToken, pageSize).map(TenantResponse::from);
    }

    @GetMapping("/{organizationId}")
    TenantResponse get(@PathVariable UUID organizationId) {
        return TenantResponse.from(tenants.get(new OrganizationId(organizationId)));
    }

    /** Its keys stop working at once; nothing is deleted, and {@code enable} undoes it. */
    @PostMapping("/{organizationId}/disable")
    TenantResponse disable(@PathVariable UUID organizationId) {
        return TenantResponse.from(tenants.setDisabled(new OrganizationId(organizationId), true));
    }

    @PostMapping("/{organizationId}/enable")
    TenantResponse enable(@PathVariable UUID organizationId) {
        return TenantResponse.from(tenants.setDisabled(new OrganizationId(organizationId), false));
    }

    record CreateTenantRequest(
            @NotBlank @Size(max = 255) String name,

            @NotBlank
            @Size(max = 100)
            @Pattern(
                    regexp = "[a-z0-9]+(-[a-z0-9]+)*",
                    message = "must be lower-case letters and digits, words joined by single hyphens")
            String slug,

            @NotNull @Valid OwnerRequest owner) {}

    record OwnerRequest(
            @NotBlank @Email @Size(max = 320) String email,
            @Nullable @Size(max = 255) String name) {}

    record TenantResponse(
            UUID id,
            String name,
            String slug,
            Instant createdAt,
            @Nullable Instant disabledAt) {
        static TenantResponse from(Organization organization) {
            return new TenantResponse(
                    organization.id().value(),
                    organization.name(),
                    organization.slug(),
                    organization.createdAt(),
                    organization.disabledAt());
        }
    }

    /** {@code key} is the owner's API key, shown this once: hand it over now. */
    record CreatedTenantResponse(
            TenantResponse organization,
            UserController.UserResponse owner,
            ApiKeyController.ApiKeyResponse apiKey,
            String key) {}
}
