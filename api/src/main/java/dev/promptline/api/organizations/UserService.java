package dev.promptline.api.organizations;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The people of an organization and their roles. */
@Service
public class UserService {
    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final ApiKeyService keys;

    UserService(UserRepository users, OrganizationRepository organizations, ApiKeyService keys) {
        this.users = users;
        this.organizations = organizations;
        this.keys = keys;
    }

    public Page<User> list(Caller caller, @Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                users.list(caller.organizationId(), Cursor.decode(pageToken), size + 1),
                size,
                user -> new Cursor(user.createdAt(), user.id().value()));
    }

    public User get(Caller caller, UserId id) {
        return users.find(caller.organizationId(), id).orElseThrow(() -> notFound(id));
    }

    public User create(Caller caller, String email, @Nullable String name, Role role) {
        requireNotOutranked(caller, role, "create");
        return users.insert(caller.organizationId(), email, name, role);
    }

    @Transactional
    public User update(Caller caller, UserId id, @Nullable String name, @Nullable Role role) {
        // Before reading anything: changes to one organization's people run one at a time, so the check for another
        // owner below sees what the change before it left (the database's trigger holds the same line).
        organizations.lockForMembershipChange(caller.organizationId());
        User user = get(caller, id);
        requireNotOutranked(caller, user.role(), "change");
        Role newRole = role == null ? user.role() : role;
        requireNotOutranked(caller, newRole, "grant that role to");
        if (user.role() == Role.OWNER && newRole != Role.OWNER) {
            requireAnotherOwner(caller);
        }
        User updated = users.update(caller.organizationId(), id, name == null ? user.name() : name, newRole)
                .orElseThrow(() -> notFound(id));
        keys.forgetKeysOf(caller.organizationId(), id);
        return updated;
    }

    @Transactional
    public void delete(Caller caller, UserId id) {
        organizations.lockForMembershipChange(caller.organizationId());
        User user = get(caller, id);
        requireNotOutranked(caller, user.role(), "remove");
        if (user.role() == Role.OWNER) {
            requireAnotherOwner(caller);
        }
        keys.forgetKeysOf(caller.organizationId(), id);
        users.delete(caller.organizationId(), id);
    }

    private void requireAnotherOwner(Caller caller) {
        if (users.countOwners(caller.organizationId()) <= 1) {
            throw lastOwner(null);
        }
    }

    static PromptlineException lastOwner(@Nullable Throwable cause) {
        return new PromptlineException(
                ErrorCode.LAST_OWNER, "This is the organization's last owner; make someone else owner first.", cause);
    }

    /** An admin manages members and viewers (and other admins), but only an owner deals with owners. */
    static void requireNotOutranked(Caller caller, Role target, String action) {
        if (!caller.role().isAtLeast(target)) {
            throw new PromptlineException(
                    ErrorCode.FORBIDDEN,
                    "A %s cannot %s a user with role %s."
                            .formatted(caller.role().value(), action, target.value()));
        }
    }

    static PromptlineException notFound(UserId id) {
        return new PromptlineException(ErrorCode.RESOURCE_NOT_FOUND, "No user %s in this organization.".formatted(id));
    }
}
