package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import org.junit.jupiter.api.Test;

/** Every /api/** request needs a valid key; roles decide what it may do; probes and docs stay open. */
class AuthenticationIT extends AuthenticatedApi {

    @Test
    void withoutAKeyTheApiAsksForOne() {
        var response = http.get("/api/v1/users");

        assertProblem(response, 401, "UNAUTHENTICATED", "/api/v1/users");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(Http.json(response).get("detail").asString()).contains("Authorization: Bearer");
    }

    @Test
    void badKeysAreRefusedWithoutSayingWhy() {
        String valid = acme.owner().key();
        String wrongSecret = valid.substring(0, valid.length() - 4) + "AAAA";
        String unknownPrefix = "pl_zzzzzzzzzzzz" + valid.substring(15);
        for (String authorization :
                new String[] {"Bearer " + wrongSecret, "Bearer " + unknownPrefix, "Bearer nonsense", "Basic " + valid
                }) {
            var response = http.get("/api/v1/users", authorization);
            assertProblem(response, 401, "UNAUTHENTICATED", "/api/v1/users");
            assertThat(Http.json(response).get("detail").asString())
                    .isEqualTo("The API key is invalid, expired or revoked.");
        }
    }

    @Test
    void aValidKeyIsAccepted() {
        assertThat(http.get("/api/v1/users", acme.owner().bearer()).statusCode())
                .isEqualTo(200);
        assertThat(Http.json(http.get("/api/v1/organization", acme.owner().bearer()))
                        .get("slug")
                        .asString())
                .isEqualTo(acme.slug);
    }

    @Test
    void revokedAndExpiredKeysStopWorking() {
        var revoked = acme.member("member");
        var expired = acme.member("member");
        jdbc.sql("UPDATE api_keys SET revoked_at = now() WHERE user_id = ?")
                .param(revoked.userId())
                .update();
        jdbc.sql("UPDATE api_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' "
                        + "WHERE user_id = ?")
                .param(expired.userId())
                .update();

        assertThat(http.get("/api/v1/users", revoked.bearer()).statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/users", expired.bearer()).statusCode()).isEqualTo(401);
    }

    @Test
    void viewersReadButCannotWrite() {
        var viewer = acme.member("viewer");

        assertThat(http.get("/api/v1/users", viewer.bearer()).statusCode()).isEqualTo(200);
        var response = http.postJson("/api/v1/api-keys", "{\"name\": \"mine\"}", viewer.bearer());
        assertProblem(response, 403, "FORBIDDEN", "/api/v1/api-keys");
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE user_id = ?")
                        .param(viewer.userId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void membersCannotManageUsersOrKeys() {
        var member = acme.member("member");

        assertProblem(
                http.postJson("/api/v1/users", "{\"email\": \"x@acme.test\", \"role\": \"viewer\"}", member.bearer()),
                403,
                "FORBIDDEN",
                "/api/v1/users");
        assertThat(http.get("/api/v1/users", member.bearer()).statusCode()).isEqualTo(200);
    }

    @Test
    void probesAndDocumentationNeedNoKey() {
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
        assertThat(http.get("/ready").statusCode()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs").statusCode()).isEqualTo(200);
    }
}
