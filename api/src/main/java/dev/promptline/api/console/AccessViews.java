package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the users and API keys pages show, already in words. A key's secret is only ever in {@link IssuedKeyPage}. */
public final class AccessViews {
    /** The roles a form offers, most powerful first, in the API's spelling. */
    public static final List<String> ROLES = List.of("owner", "admin", "member", "viewer");

    /**
     * The users page: one page of users, the invite form as typed, and what just changed or was refused.
     *
     * @param invite the invite form's fields as typed (kept after a refusal)
     */
    public record UsersPage(
            List<UserRow> rows,
            @Nullable String nextPageUrl,
            InviteForm invite,
            @Nullable String notice,
            List<String> errors) {
        public UsersPage {
            rows = List.copyOf(rows);
            errors = List.copyOf(errors);
        }
    }

    public record UserRow(String id, String email, String name, String role, String createdAt, boolean you) {
        public String url() {
            return "/console/users/" + id;
        }
    }

    public record InviteForm(String email, String name, String role) {
        public static final InviteForm EMPTY = new InviteForm("", "", "member");
    }

    /** The API keys page: one page of keys, the issue form as typed, and what just changed or was refused. */
    public record KeysPage(
            List<KeyRow> rows,
            @Nullable String nextPageUrl,
            List<Choice> users,
            KeyForm form,
            @Nullable String notice,
            List<String> errors) {
        public KeysPage {
            rows = List.copyOf(rows);
            users = List.copyOf(users);
            errors = List.copyOf(errors);
        }
    }

    /** A key as listed: its prefix, never its secret. {@code status} is active, expired or revoked. */
    public record KeyRow(
            String id,
            String name,
            String prefix,
            String user,
            String createdAt,
            String lastUsedAt,
            String expiresAt,
            String status,
            boolean yours) {
        public boolean active() {
            return "active".equals(status);
        }

        public String revokeUrl() {
            return "/console/api-keys/" + id + "/revoke";
        }
    }

    /** The issue form's fields as typed; {@code expiresOn} is a date (UTC), empty for never. */
    public record KeyForm(String name, String userId, String expiresOn) {}

    /** The one page that shows a key's secret: right after it is issued, and never again. */
    public record IssuedKeyPage(String name, String prefix, String user, String expiresAt, String token) {
        @Override
        public String toString() {
            return "IssuedKeyPage[name=" + name + ", prefix=" + prefix + ", token=(hidden)]";
        }
    }

    private AccessViews() {}
}
