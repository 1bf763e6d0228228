package dev.promptline.api.organizations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The operator's side of tenancy: creating organizations with their first owner and key, listing them, disabling
 * them. Nothing here is reachable with an API key; every action is logged, since the operator sees across tenants.
 */
@Service
class TenantService {
    private static final Logger log = LoggerFactory.getLogger(TenantService.class);

    private final OrganizationRepository organizations;
    private final UserRepository users;
    private final ApiKeyService keys;

    TenantService(OrganizationRepository organizations, UserRepository users, ApiKeyService keys) {
        this.organizations = organizations;
        this.users = users;
        this.keys = keys;
    }

    /** One transaction: an organization never exists without its owner, nor an owner without a way in. */
    @Transactional
    NewTenant create(String name, String slug, String ownerEmail, @Nullable String ownerName) {
        OrganizationId id = organizations.insert(name, slug);
        User owner = users.insert(id, ownerEmail, ownerName, Role.OWNER);
        IssuedApiKey key = keys.issue(id, owner.id(), "initial owner key", null);
        Organization organization = organizations.find(id).orElseThrow();
        log.info("Operator created organization {} ({}) with owner {}", slug, id, owner.id());
        return new NewTenant(organization, owner, key);
    }

    Page<Organization> list(@Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                organizations.list(Cursor.decode(pageToken), size + 1),
                size,
                organization ->
                        new Cursor(organization.createdAt(), organization.id().value()));
    }

    Organization get(OrganizationId id) {
        return organizations.find(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Disabling takes effect on the next request: the organization's keys leave every replica's key cache when the
     * change commits, and authentication refuses a key of a disabled organization.
     */
    @Transactional
    Organization setDisabled(OrganizationId id, boolean disabled) {
        Organization organization = organizations.setDisabled(id, disabled).orElseThrow(() -> notFound(id));
        keys.forgetKeysOf(id);
        log.info("Operator {} organization {} ({})", disabled ? "disabled" : "enabled", organization.slug(), id);
        return organization;
    }

    private static PromptlineException notFound(OrganizationId id) {
        return new PromptlineException(ErrorCode.RESOURCE_NOT_FOUND, "No organization %s.".formatted(id));
    }

    record NewTenant(Organization organization, User owner, IssuedApiKey key) {}
}
