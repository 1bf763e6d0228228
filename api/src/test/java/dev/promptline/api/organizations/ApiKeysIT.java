package dev.promptline.api.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ApiKeysIT extends AuthenticatedApi {

    @Test
    void aNewKeyIsShownOnceAndWorksAtOnce() {
        var created = http.postJson(
                "/api/v1/api-keys", "{\"name\": \"ci\"}", acme.owner().bearer());

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = Http.json(created);
        String key = body.get("key").asString();
        assertThat(key).matches("pl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
        assertThat(key).startsWith(body.get("apiKey").get("prefix").asString() + "_");
        assertThat(http.get("/api/v1/organization", "Bearer " + key).statusCode())
                .isEqualTo(200);

        String id = body.get("apiKey").get("id").asString();
        var fetched = http.get("/api/v1/api-keys/" + id, acme.owner().bearer());
        var listed = http.get("/api/v1/api-keys", acme.owner().bearer());
        assertThat(fetched.body()).doesNotContain(key.substring(16));
        assertThat(listed.body()).doesNotContain(key.substring(16));
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE encode(secret_hash, 'escape') LIKE ?")
                        .param("%" + key.substring(16) + "%")
                        .query(Integer.class)
                        .single())
                .as("the secret is not stored")
                .isZero();
    }

    @Test
    void aRevokedKeyStopsWorkingImmediately() {
        JsonNode created = Http.json(http.postJson(
                "/api/v1/api-keys", "{\"name\": \"temp\"}", acme.owner().bearer()));
        String key = "Bearer " + created.get("key").asString();
        assertThat(http.get("/api/v1/users", key).statusCode()).isEqualTo(200);

        var revoked = http.postJson(
                "/api/v1/api-keys/" + created.get("apiKey").get("id").asString() + "/revoke",
                "",
                acme.owner().bearer());

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(Http.json(revoked).get("revokedAt").asString()).isNotBlank();
        assertThat(http.get("/api/v1/users", key).statusCode()).isEqualTo(401);
    }

    @Test
    void anExpiryMustBeInTheFutureAndIsEnforced() {
        String past = Instant.now().minus(1, ChronoUnit.HOURS).toString();
        assertThat(http.postJson(
                                "/api/v1/api-keys",
                                "{\"name\": \"old\", \"expiresAt\": \"" + past + "\"}",
                                acme.owner().bearer())
                        .statusCode())
                .isEqualTo(400);

        String soon = Instant.now()
                .plus(1, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        JsonNode created = Http.json(http.postJson(
                "/api/v1/api-keys",
                "{\"name\": \"day\", \"expiresAt\": \"" + soon + "\"}",
                acme.owner().bearer()));
        assertThat(Instant.parse(created.get("apiKey").get("expiresAt").asString()))
                .isEqualTo(Instant.parse(soon));
    }

    @Test
    void adminsCannotIssueKeysForOwners() {
        var admin = acme.member("admin");
        var response = http.postJson(
                "/api/v1/api-keys",
                "{\"name\": \"escalate\", \"userId\": \"%s\"}"
                        .formatted(acme.owner().userId()),
                admin.bearer());

        assertThat(response.statusCode()).isEqualTo(403);
    }
}
