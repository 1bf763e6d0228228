package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Tenants.Member;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The users and API keys pages over real HTTP: admins invite, change roles, remove, issue and revoke with the REST
 * API's rules and refusals in words; a new key is shown once; other roles read and change nothing; every change needs
 * the form's CSRF token.
 */
class ConsoleAccessPagesIT extends AuthenticatedApi {
    private static final Pattern ISSUED = Pattern.compile("id=\"issued-key\" readonly value=\"(pl_[^\"]+)\"");

    private Member admin;
    private Member member;
    private ConsoleClient browser;

    @BeforeEach
    void signIn() {
        admin = acme.member("admin");
        member = acme.member("member");
        browser = new ConsoleClient(port);
        browser.signIn(admin.key());
    }

    @Test
    void anAdminInvitesAUserAndBadOrRefusedInvitationsAddNobody() {
        browser.get("/console/users");

        var invited = browser.post("/console/users", Map.of("email", "ann@acme.test", "name", "Ann", "role", "member"));

        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(302);
        assertThat(browser.get("/console/users?done=invited").body())
                .contains("The user is added", "ann@acme.test", "Ann");
        assertThat(role("ann@acme.test")).isEqualTo("member");

        var malformed = browser.post("/console/users", Map.of("email", "not an address", "role", "member"));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("must be an address such as ann@example.com", "not an address");
        var badRole = browser.post("/console/users", Map.of("email", "bo@acme.test", "role", "superuser"));
        assertThat(badRole.body()).contains("The role must be one of owner, admin, member or viewer.");
        var outranked = browser.post("/console/users", Map.of("email", "cy@acme.test", "role", "owner"));
        assertThat(outranked.statusCode()).isEqualTo(403);
        assertThat(outranked.body()).contains("A admin cannot create a user with role owner.");
        assertThat(userCount()).as("owner, admin, member and Ann").isEqualTo(4);
    }

    @Test
    void anAdminChangesARoleAndRemovesAUserButNotAnOwner() {
        browser.get("/console/users");

        var changed = browser.post("/console/users/" + member.userId() + "/role", Map.of("role", "viewer"));
        assertThat(changed.statusCode()).isEqualTo(302);
        assertThat(roleOf(member.userId())).isEqualTo("viewer");

        var refused = browser.post("/console/users/" + acme.owner().userId() + "/role", Map.of("role", "viewer"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("A admin cannot change a user with role owner.");
        assertThat(roleOf(acme.owner().userId())).isEqualTo("owner");

        var confirm = browser.get("/console/users/" + member.userId() + "/remove");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("their API keys stop working");
        assertThat(userCount()).as("nobody removed before the confirmation").isEqualTo(3);
        var removed = browser.post("/console/users/" + member.userId() + "/remove", Map.of());
        assertThat(removed.statusCode()).isEqualTo(302);
        assertThat(userCount()).isEqualTo(2);
        var ownerRemoval = browser.post("/console/users/" + acme.owner().userId() + "/remove", Map.of());
        assertThat(ownerRemoval.statusCode()).isEqualTo(403);
        assertThat(userCount()).isEqualTo(2);
    }

    @Test
    void theLastOwnerIsKeptInWords() {
        var owner = new ConsoleClient(port);
        owner.signIn(acme.owner().key());
        owner.get("/console/users");

        var refused = owner.post("/console/users/" + acme.owner().userId() + "/role", Map.of("role", "admin"));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("last owner; make someone else owner first", "Nothing was changed");
        assertThat(roleOf(acme.owner().userId())).isEqualTo("owner");
    }

    @Test
    void anIssuedKeyIsShownOnceWorksAndIsNeverShownAgain() {
        browser.get("/console/api-keys");
        String expires = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();

        var issued = browser.post(
                "/console/api-keys",
                Map.of("name", "ci", "userId", member.userId().toString(), "expiresOn", expires));

        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        assertThat(issued.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        var matcher = ISSUED.matcher(issued.body());
        assertThat(matcher.find()).as(issued.body()).isTrue();
        String token = matcher.group(1);
        assertThat(issued.body()).contains("This is the only time it is shown", "Key issued: ci");
        assertThat(http.get("/api/v1/prompts", "Bearer " + token).statusCode())
                .as("the key works")
                .isEqualTo(200);
        String list = browser.get("/console/api-keys").body();
        assertThat(list)
                .contains("ci", token.substring(0, 15), expires, "active")
                .doesNotContain(token);
        assertThat(browser.get("/console/users").body()).doesNotContain(token);
    }

    @Test
    void badOrRefusedKeysAreNotIssued() {
        browser.get("/console/api-keys");
        int before = keyCount();

        var noName = browser.post(
                "/console/api-keys",
                Map.of("name", " ", "userId", member.userId().toString()));
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).contains("name is required.");
        var past = browser.post(
                "/console/api-keys",
                Map.of("name", "old", "userId", member.userId().toString(), "expiresOn", "2020-01-01"));
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("expiresAt must be in the future.");
        var badDate = browser.post("/console/api-keys", Map.of("name", "x", "expiresOn", "tomorrow"));
        assertThat(badDate.body()).contains("The expiry must be a date such as 2027-01-31.");
        var forOwner = browser.post(
                "/console/api-keys",
                Map.of("name", "x", "userId", acme.owner().userId().toString()));
        assertThat(forOwner.statusCode()).isEqualTo(403);
        assertThat(forOwner.body()).contains("A admin cannot issue a key for a user with role owner.");
        assertThat(keyCount()).isEqualTo(before);
    }

    @Test
    void revokingAKeyEndsTheSessionsOpenedWithIt() {
        var memberBrowser = new ConsoleClient(port);
        memberBrowser.signIn(member.key());
        UUID keyId = keyOf(member.userId());
        browser.get("/console/api-keys");

        var confirm = browser.get("/console/api-keys/" + keyId + "/revoke");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("stops working at once", "This cannot be undone.");
        assertThat(revokedKeys()).as("nothing revoked before the confirmation").isZero();

        var revoked = browser.post("/console/api-keys/" + keyId + "/revoke", Map.of());

        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(browser.get("/console/api-keys?done=revoked").body()).contains("The key is revoked", "revoked");
        var next = memberBrowser.get("/console/prompts");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/console/sign-in?ended"));
        var ownersKey = browser.post("/console/api-keys/" + keyOf(acme.owner().userId()) + "/revoke", Map.of());
        assertThat(ownersKey.statusCode()).isEqualTo(403);
        assertThat(ownersKey.body()).contains("A admin cannot revoke a key of a user with role owner.");
        assertThat(revokedKeys()).isEqualTo(1);
    }

    @Test
    void membersAndViewersReadThePagesButChangeNothing() {
        for (String role : new String[] {"member", "viewer"}) {
            var reader = new ConsoleClient(port);
            reader.signIn(acme.member(role).key());
            int users = userCount();
            int keys = keyCount();

            String usersPage = reader.get("/console/users").body();
            String keysPage = reader.get("/console/api-keys").body();

            assertThat(usersPage).contains(admin.userId().toString()).doesNotContain("invite-form", "Change role");
            assertThat(keysPage).contains("pl_").doesNotContain("issue-form", "Revoke");
            assertThat(reader.get("/console/users/" + member.userId() + "/remove")
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.get("/console/api-keys/" + keyOf(member.userId()) + "/revoke")
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/users", Map.of("email", "x@acme.test", "role", "viewer"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/users/" + member.userId() + "/role", Map.of("role", "admin"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/users/" + member.userId() + "/remove", Map.of())
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/api-keys", Map.of("name", "mine")).statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/api-keys/" + keyOf(member.userId()) + "/revoke", Map.of())
                            .statusCode())
                    .isEqualTo(403);
            assertThat(userCount()).isEqualTo(users);
            assertThat(keyCount()).isEqualTo(keys);
            assertThat(roleOf(member.userId())).isEqualTo("member");
            assertThat(revokedKeys()).isZero();
        }
    }

    @Test
    void everyChangeNeedsTheFormsCsrfToken() {
        browser.get("/console/users");
        int users = userCount();
        int keys = keyCount();

        var forged = new String[] {
            "/console/users",
            "/console/users/" + member.userId() + "/role",
            "/console/users/" + member.userId() + "/remove",
            "/console/api-keys",
            "/console/api-keys/" + keyOf(member.userId()) + "/revoke"
        };
        for (String path : forged) {
            var response =
                    browser.postRaw(path, Map.of("email", "f@acme.test", "role", "viewer", "name", "forged"), Map.of());
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.body()).contains("This form has expired");
        }
        assertThat(userCount()).isEqualTo(users);
        assertThat(keyCount()).isEqualTo(keys);
        assertThat(roleOf(member.userId())).isEqualTo("member");
        assertThat(revokedKeys()).isZero();
    }

    private String role(String email) {
        return jdbc.sql("SELECT role FROM users WHERE organization_id = ? AND email = ?")
                .params(acme.organizationId, email)
                .query(String.class)
                .single();
    }

    private String roleOf(UUID userId) {
        return jdbc.sql("SELECT role FROM users WHERE id = ?")
                .param(userId)
                .query(String.class)
                .single();
    }

    private UUID keyOf(UUID userId) {
        return jdbc.sql("SELECT id FROM api_keys WHERE user_id = ? ORDER BY created_at LIMIT 1")
                .param(userId)
                .query(UUID.class)
                .single();
    }

    private int userCount() {
        return count("SELECT count(*) FROM users WHERE organization_id = ?");
    }

    private int keyCount() {
        return count("SELECT count(*) FROM api_keys WHERE organization_id = ?");
    }

    private int revokedKeys() {
        return count("SELECT count(*) FROM api_keys WHERE organization_id = ? AND revoked_at IS NOT NULL");
    }

    private int count(String sql) {
        return jdbc.sql(sql).param(acme.organizationId).query(Integer.class).single();
    }
}
