package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.Tenants;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A key of one organization sees nothing of another: 404 on every endpoint, as if the row did not exist. */
class TenancyIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;
    Tenants.Tenant a;
    Tenants.Tenant b;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        var tenants = new Tenants(jdbc);
        a = tenants.create("a");
        b = tenants.create("b");
    }

    @Test
    void usersOfAnotherOrganizationDoNotExist() {
        UUID theirs = b.member("member").userId();
        String path = "/api/v1/users/" + theirs;

        assertNotFound(http.get(path, a.owner().bearer()), path);
        assertNotFound(http.patchJson(path, "{\"role\": \"viewer\"}", a.owner().bearer()), path);
        assertNotFound(http.delete(path, a.owner().bearer()), path);
        assertThat(jdbc.sql("SELECT role FROM users WHERE id = ?")
                        .param(theirs)
                        .query(String.class)
                        .single())
                .isEqualTo("member");
    }

    @Test
    void keysOfAnotherOrganizationDoNotExist() {
        UUID theirs = jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(b.owner().userId())
                .query(UUID.class)
                .single();
        String path = "/api/v1/api-keys/" + theirs;

        assertNotFound(http.get(path, a.owner().bearer()), path);
        assertNotFound(http.postJson(path + "/revoke", "{}", a.owner().bearer()), path + "/revoke");
        assertThat(http.get("/api/v1/users", b.owner().bearer()).statusCode())
                .as("b's key still works")
                .isEqualTo(200);
    }

    @Test
    void aKeyCannotBeIssuedForAnotherOrganizationsUser() {
        var response = http.postJson(
                "/api/v1/api-keys",
                "{\"name\": \"sneaky\", \"userId\": \"%s\"}".formatted(b.owner().userId()),
                a.owner().bearer());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE user_id = ?")
                        .param(b.owner().userId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void listsShowOnlyTheCallersOrganization() {
        b.member("viewer");
        var users = Http.json(http.get("/api/v1/users", a.owner().bearer())).get("items");
        var keys = Http.json(http.get("/api/v1/api-keys", a.owner().bearer())).get("items");

        assertThat(users.valueStream().map(user -> user.get("id").asString()))
                .containsExactly(a.owner().userId().toString());
        assertThat(keys.valueStream().map(key -> key.get("userId").asString()))
                .containsExactly(a.owner().userId().toString());
    }

    private static void assertNotFound(HttpResponse<String> response, String path) {
        assertProblem(response, 404, "RESOURCE_NOT_FOUND", path);
    }
}
