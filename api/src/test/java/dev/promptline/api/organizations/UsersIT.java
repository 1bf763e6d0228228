package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class UsersIT extends AuthenticatedApi {

    @Test
    void createsAUserAndPointsAtIt() {
        var response = http.postJson(
                "/api/v1/users",
                "{\"email\": \"ada@acme.test\", \"name\": \"Ada\", \"role\": \"member\"}",
                acme.owner().bearer());

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode user = Http.json(response);
        assertThat(user.get("role").asString()).isEqualTo("member");
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/v1/users/" + user.get("id").asString());
        assertThat(Http.json(http.get(location, acme.owner().bearer()))
                        .get("email")
                        .asString())
                .isEqualTo("ada@acme.test");
    }

    @Test
    void anEmailIsUniqueWhateverItsCase() {
        http.postJson(
                "/api/v1/users",
                "{\"email\": \"ada@acme.test\", \"role\": \"member\"}",
                acme.owner().bearer());
        var response = http.postJson(
                "/api/v1/users",
                "{\"email\": \"ADA@acme.test\", \"role\": \"viewer\"}",
                acme.owner().bearer());

        assertProblem(response, 409, "USER_EMAIL_TAKEN", "/api/v1/users");
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        int before = userCount();
        String[] bodies = {
            "{\"email\": \"not-an-email\", \"role\": \"member\"}",
            "{\"email\": \"x@acme.test\", \"role\": \"emperor\"}",
            "{\"email\": \"x@acme.test\", \"role\": \"member\", \"admin\": true}",
            "{\"email\": \"x@acme.test\"}",
            "{\"email\": \"" + "x".repeat(400) + "@acme.test\", \"role\": \"member\"}",
            "{\"email\": \"x'; DROP TABLE users; --@acme.test\", \"role\": \"member\"}",
        };
        for (String body : bodies) {
            var response = http.postJson("/api/v1/users", body, acme.owner().bearer());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(userCount()).isEqualTo(before);
    }

    @Test
    void adminsCannotMakeOrTouchOwners() {
        var admin = acme.member("admin");

        assertProblem(
                http.postJson("/api/v1/users", "{\"email\": \"boss@acme.test\", \"role\": \"owner\"}", admin.bearer()),
                403,
                "FORBIDDEN",
                "/api/v1/users");
        String owner = "/api/v1/users/" + acme.owner().userId();
        assertThat(http.patchJson(owner, "{\"role\": \"viewer\"}", admin.bearer())
                        .statusCode())
                .isEqualTo(403);
        assertThat(http.delete(owner, admin.bearer()).statusCode()).isEqualTo(403);
    }

    @Test
    void theLastOwnerStays() {
        String owner = "/api/v1/users/" + acme.owner().userId();

        assertProblem(
                http.patchJson(owner, "{\"role\": \"admin\"}", acme.owner().bearer()), 409, "LAST_OWNER", owner);
        assertProblem(http.delete(owner, acme.owner().bearer()), 409, "LAST_OWNER", owner);

        acme.member("owner");
        assertThat(http.patchJson(owner, "{\"role\": \"admin\"}", acme.owner().bearer())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void removingAUserRevokesTheirAccess() {
        var member = acme.member("member");

        assertThat(http.delete("/api/v1/users/" + member.userId(), acme.owner().bearer())
                        .statusCode())
                .isEqualTo(204);
        assertThat(http.get("/api/v1/users", member.bearer()).statusCode()).isEqualTo(401);
    }

    @Test
    void pagesWalkEveryUserOnceInAStableOrder() {
        for (int i = 0; i < 4; i++) {
            acme.member("viewer");
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            String path = "/api/v1/users?pageSize=2" + (token == null ? "" : "&pageToken=" + token);
            JsonNode page = Http.json(http.get(path, acme.owner().bearer()));
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items")
                    .valueStream()
                    .forEach(user -> seen.add(user.get("id").asString()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
        } while (token != null);

        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void pageParametersAreChecked() {
        for (String query : new String[] {"pageSize=0", "pageSize=201", "pageSize=abc", "pageToken=garbage"}) {
            var response = http.get("/api/v1/users?" + query, acme.owner().bearer());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
        }
    }

    private int userCount() {
        return jdbc.sql("SELECT count(*) FROM users WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
