package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The operator API: tenants are created, listed and disabled without SQL, with the operator key and nothing else.
 * Redis is on, so a disabled organization's keys are refused although authentication had cached them.
 */
@TestPropertySource(properties = "promptline.operator.api-key=" + TenantsIT.OPERATOR_KEY)
class TenantsIT extends AuthenticatedApi {
    static final String OPERATOR_KEY = "operator-key-for-tests-0123456789abcdef";
    private static final String OPERATOR = "Bearer " + OPERATOR_KEY;
    private static final String ORGANIZATIONS = "/operator/v1/organizations";
    private static final String REDIS_PREFIX = "tenants-it:" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> REDIS_PREFIX);
    }

    @Test
    void createsAnOrganizationWithItsOwnerAndAKeyShownOnce() {
        var response = http.postJson(ORGANIZATIONS, """
                {"name": "Globex", "slug": "globex", "owner": {"email": "hank@globex.test", "name": "Hank"}}
                """, OPERATOR);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode created = Http.json(response);
        String id = created.get("organization").get("id").asString();
        assertThat(response.headers().firstValue("Location")).hasValue(ORGANIZATIONS + "/" + id);
        assertThat(created.get("organization").get("slug").asString()).isEqualTo("globex");
        assertThat(created.get("organization").has("disabledAt")).isFalse();
        assertThat(created.get("owner").get("role").asString()).isEqualTo("owner");
        assertThat(created.get("owner").get("email").asString()).isEqualTo("hank@globex.test");
        String key = created.get("key").asString();
        assertThat(key).matches("pl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");

        JsonNode own = Http.json(http.get("/api/v1/organization", "Bearer " + key));
        assertThat(own.get("id").asString()).isEqualTo(id);
        assertThat(http.postJson(
                                "/api/v1/users", "{\"email\": \"x@globex.test\", \"role\": \"admin\"}", "Bearer " + key)
                        .statusCode())
                .as("the key is an owner's")
                .isEqualTo(201);
        assertThat(http.get(ORGANIZATIONS + "/" + id, OPERATOR).body()).doesNotContain(key.substring(16));
        assertThat(http.get(ORGANIZATIONS, OPERATOR).body()).doesNotContain(key.substring(16));
    }

    @Test
    void aTakenOrMalformedSlugIsAProblemAndCreatesNothing() {
        assertProblem(
                http.postJson(ORGANIZATIONS, """
                        {"name": "Again", "slug": "%s", "owner": {"email": "a@again.test"}}
                        """.formatted(acme.slug), OPERATOR),
                409,
                "ORGANIZATION_SLUG_TAKEN",
                ORGANIZATIONS);
        for (String body : new String[] {
            "{\"name\": \"Bad\", \"slug\": \"Not A Slug\", \"owner\": {\"email\": \"a@bad.test\"}}",
            "{\"name\": \"Bad\", \"slug\": \"bad\", \"owner\": {\"email\": \"not-an-email\"}}",
            "{\"name\": \"Bad\", \"slug\": \"bad\"}",
            "{\"name\": \"\", \"slug\": \"bad\", \"owner\": {\"email\": \"a@bad.test\"}}",
        }) {
            assertProblem(http.postJson(ORGANIZATIONS, body, OPERATOR), 400, "INVALID_REQUEST", ORGANIZATIONS);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM organizations WHERE slug IN ('bad', 'again')")
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void listsEveryOrganizationPageByPage() {
        for (int i = 0; i < 3; i++) {
            tenants.create("listed");
        }
        List<String> slugs = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = Http.json(
                    http.get(ORGANIZATIONS + "?pageSize=2" + (token == null ? "" : "&pageToken=" + token), OPERATOR));
            page.get("items")
                    .valueStream()
                    .forEach(item -> slugs.add(item.get("slug").asString()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
        } while (token != null);

        assertThat(slugs).doesNotHaveDuplicates().contains(acme.slug).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void aDisabledOrganizationsKeysStopWorkingAtOnceAndEnablingRestoresThem() {
        var other = tenants.create("other");
        var admin = acme.member("admin");
        // Authenticated once, so each key sits in the key cache (Redis and this replica's memory).
        assertThat(http.get("/api/v1/organization", acme.owner().bearer()).statusCode())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/organization", admin.bearer()).statusCode())
                .isEqualTo(200);

        var disabled = http.postJson(ORGANIZATIONS + "/" + acme.organizationId + "/disable", "", OPERATOR);

        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(Http.json(disabled).get("disabledAt").asString()).isNotBlank();
        assertProblem(
                http.get("/api/v1/organization", acme.owner().bearer()),
                401,
                "UNAUTHENTICATED",
                "/api/v1/organization");
        assertThat(http.get("/api/v1/users", admin.bearer()).statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/organization", other.owner().bearer()).statusCode())
                .as("other organizations are untouched")
                .isEqualTo(200);
        JsonNode listed = Http.json(http.get(ORGANIZATIONS + "/" + acme.organizationId, OPERATOR));
        assertThat(listed.get("disabledAt").asString()).isNotBlank();

        assertThat(http.postJson(ORGANIZATIONS + "/" + acme.organizationId + "/enable", "", OPERATOR)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/organization", acme.owner().bearer()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anUnknownOrganizationIsNotFound() {
        String path = ORGANIZATIONS + "/" + UUID.randomUUID() + "/disable";
        assertProblem(http.postJson(path, "", OPERATOR), 404, "RESOURCE_NOT_FOUND", path);
    }

    @Test
    void onlyTheOperatorKeyIsAccepted() {
        assertProblem(http.get(ORGANIZATIONS), 401, "UNAUTHENTICATED", ORGANIZATIONS);
        assertProblem(http.get(ORGANIZATIONS, acme.owner().bearer()), 401, "UNAUTHENTICATED", ORGANIZATIONS);
        assertProblem(http.get(ORGANIZATIONS, OPERATOR + "x"), 401, "UNAUTHENTICATED", ORGANIZATIONS);
        assertProblem(http.get(ORGANIZATIONS, "Basic " + OPERATOR_KEY), 401, "UNAUTHENTICATED", ORGANIZATIONS);
        assertProblem(http.get("/api/v1/organization", OPERATOR), 401, "UNAUTHENTICATED", "/api/v1/organization");
        assertThat(http.get(ORGANIZATIONS, OPERATOR).statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentDescribesTheOperatorApiWithItsOwnScheme() {
        JsonNode document = Http.json(http.get("/v3/api-docs"));

        assertThat(document.get("components").get("securitySchemes").has("operatorKey"))
                .isTrue();
        JsonNode create = document.get("paths").get(ORGANIZATIONS).get("post");
        assertThat(create.get("security").get(0).has("operatorKey")).isTrue();
        assertThat(create.get("responses").has("401")).isTrue();
        JsonNode users = document.get("paths").get("/api/v1/users").get("get");
        assertThat(users.get("security").get(0).has("apiKey")).isTrue();
    }
}
