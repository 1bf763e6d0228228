package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may act on whose users and keys, for every pair of roles: nobody acts on someone who outranks them, and only
 * admins and owners manage at all. An admin who could revoke the owners' keys or demote them could lock the owners
 * out of their own organization.
 */
class RolesIT extends AuthenticatedApi {

    @ParameterizedTest(name = "a {0} revoking a key of a {1}: {2}")
    @CsvSource({
        "owner, owner, 200", "owner, admin, 200", "owner, member, 200", "owner, viewer, 200",
        "admin, owner, 403", "admin, admin, 200", "admin, member, 200", "admin, viewer, 200",
        "member, owner, 403", "member, admin, 403", "member, member, 403", "member, viewer, 403",
        "viewer, owner, 403", "viewer, admin, 403", "viewer, member, 403", "viewer, viewer, 403",
    })
    void revokingAKey(String callerRole, String holderRole, int status) {
        Tenants.Member caller = acme.member(callerRole);
        Tenants.Member holder = acme.member(holderRole);
        UUID keyId = keyIdOf(holder);

        var response = http.postJson("/api/v1/api-keys/" + keyId + "/revoke", "", caller.bearer());

        if (status == 403) {
            assertProblem(response, 403, "FORBIDDEN", "/api/v1/api-keys/" + keyId + "/revoke");
            assertThat(http.get("/api/v1/organization", holder.bearer()).statusCode())
                    .as("the key still works")
                    .isEqualTo(200);
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            assertThat(http.get("/api/v1/organization", holder.bearer()).statusCode())
                    .as("the key stopped working")
                    .isEqualTo(401);
        }
    }

    @ParameterizedTest(name = "a {0} issuing a key for a {1}: {2}")
    @CsvSource({
        "owner, owner, 201", "owner, admin, 201", "owner, member, 201", "owner, viewer, 201",
        "admin, owner, 403", "admin, admin, 201", "admin, member, 201", "admin, viewer, 201",
        "member, owner, 403", "member, admin, 403", "member, member, 403", "member, viewer, 403",
        "viewer, owner, 403", "viewer, admin, 403", "viewer, member, 403", "viewer, viewer, 403",
    })
    void issuingAKey(String callerRole, String holderRole, int status) {
        Tenants.Member caller = acme.member(callerRole);
        Tenants.Member holder = acme.member(holderRole);

        var response = http.postJson(
                "/api/v1/api-keys",
                "{\"name\": \"k\", \"userId\": \"%s\"}".formatted(holder.userId()),
                caller.bearer());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    }

    @ParameterizedTest(name = "a {0} renaming a {1}: {2}")
    @CsvSource({
        "owner, owner, 200", "owner, admin, 200", "owner, member, 200", "owner, viewer, 200",
        "admin, owner, 403", "admin, admin, 200", "admin, member, 200", "admin, viewer, 200",
        "member, owner, 403", "member, admin, 403", "member, member, 403", "member, viewer, 403",
        "viewer, owner, 403", "viewer, admin, 403", "viewer, member, 403", "viewer, viewer, 403",
    })
    void changingAUser(String callerRole, String targetRole, int status) {
        Tenants.Member caller = acme.member(callerRole);
        Tenants.Member target = acme.member(targetRole);

        var response = http.patchJson("/api/v1/users/" + target.userId(), "{\"name\": \"Renamed\"}", caller.bearer());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(nameOf(target.userId())).isEqualTo(status == 200 ? "Renamed" : null);
    }

    @ParameterizedTest(name = "a {0} making a {1} owner: {2}")
    @CsvSource({
        "owner, admin, 200", "owner, viewer, 200",
        "admin, admin, 403", "admin, viewer, 403",
        "member, viewer, 403", "viewer, viewer, 403",
    })
    void grantingOwner(String callerRole, String targetRole, int status) {
        Tenants.Member caller = acme.member(callerRole);
        Tenants.Member target = acme.member(targetRole);

        var response = http.patchJson("/api/v1/users/" + target.userId(), "{\"role\": \"owner\"}", caller.bearer());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(roleOf(target.userId())).isEqualTo(status == 200 ? "owner" : targetRole);
    }

    @ParameterizedTest(name = "a {0} removing a {1}: {2}")
    @CsvSource({
        "owner, owner, 204", "owner, admin, 204", "owner, member, 204", "owner, viewer, 204",
        "admin, owner, 403", "admin, admin, 204", "admin, member, 204", "admin, viewer, 204",
        "member, owner, 403", "member, admin, 403", "member, member, 403", "member, viewer, 403",
        "viewer, owner, 403", "viewer, admin, 403", "viewer, member, 403", "viewer, viewer, 403",
    })
    void removingAUser(String callerRole, String targetRole, int status) {
        Tenants.Member caller = acme.member(callerRole);
        Tenants.Member target = acme.member(targetRole);

        var response = http.delete("/api/v1/users/" + target.userId(), caller.bearer());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(http.get("/api/v1/organization", target.bearer()).statusCode())
                .isEqualTo(status == 204 ? 401 : 200);
    }

    private UUID keyIdOf(Tenants.Member member) {
        var keys =
                Http.json(http.get("/api/v1/api-keys?pageSize=200", acme.owner().bearer()));
        return keys.get("items")
                .valueStream()
                .filter(key ->
                        key.get("userId").asString().equals(member.userId().toString()))
                .map(key -> UUID.fromString(key.get("id").asString()))
                .findFirst()
                .orElseThrow();
    }

    private String nameOf(UUID user) {
        return jdbc.sql("SELECT name FROM users WHERE id = ?")
                .param(user)
                .query((row, n) -> Optional.ofNullable(row.getString("name")))
                .single()
                .orElse(null);
    }

    private String roleOf(UUID user) {
        return jdbc.sql("SELECT role FROM users WHERE id = ?")
                .param(user)
                .query(String.class)
                .single();
    }
}
