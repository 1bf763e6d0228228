package dev.promptline.api.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Reads are served from Redis after the first one, and a read after a write never returns what the write replaced.
 * Data comes from the database where a test changes it behind the service's back, to prove where a read came from.
 */
@TestPropertySource(properties = "promptline.cache.recovery-check-interval=200ms")
class CacheIT extends AuthenticatedApi {
    private static final String PREFIX = "it:" + UUID.randomUUID() + ":";
    private static final String TRIAGE = """
            {"name": "triage", "template": {"format": "text", "text": "v1 {{ticket}}"}}
            """;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @Autowired
    StringRedisTemplate redis;

    String owner;

    @BeforeEach
    void setUp() {
        owner = acme.owner().bearer();
    }

    @AfterAll
    static void deleteKeys(@Autowired StringRedisTemplate redis) {
        var keys = redis.keys(PREFIX + "*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    @Test
    void aSecondReadComesFromRedis() {
        String id = create();
        http.get("/api/v1/prompts/" + id, owner);
        assertThat(redis.keys(PREFIX + "prompts:v1:*")).isNotEmpty();

        // Changed behind the service's back: a cached read does not see it.
        jdbc.sql("UPDATE prompts SET description = 'changed in SQL' WHERE id = ?::uuid")
                .param(id)
                .update();

        assertThat(description(id)).isEmpty();
    }

    @Test
    void aReadAfterAWriteNeverReturnsTheOldVersion() {
        String id = create();
        for (int base = 1; base <= 5; base++) {
            assertThat(latest(id)).isEqualTo(base);
            var written = http.postJson(
                    "/api/v1/prompts/" + id + "/versions",
                    "{\"baseVersion\": %d, \"template\": {\"format\": \"text\", \"text\": \"v%d {{ticket}}\"}}"
                            .formatted(base, base + 1),
                    owner);
            // A write that did not happen is not a stale read.
            assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
            assertThat(latest(id))
                    .as("right after writing version %d", base + 1)
                    .isEqualTo(base + 1);
        }
    }

    @Test
    void movingALabelIsSeenAtOnce() {
        String id = create();
        http.postJson(
                "/api/v1/prompts/" + id + "/versions",
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"v2 {{ticket}}\"}}",
                owner);
        label(id, 1);
        assertThat(versionAtProduction(id)).isEqualTo(1);

        label(id, 2);

        assertThat(versionAtProduction(id)).isEqualTo(2);
    }

    @Test
    void aModelUpdateIsSeenAtOnce() {
        String id = Http.json(http.postJson(
                        "/api/v1/models",
                        "{\"provider\": \"echo\", \"name\": \"echo\", \"providerModelId\": \"echo\"}",
                        owner))
                .get("id")
                .asString();
        assertThat(Http.json(http.get("/api/v1/models/" + id, owner))
                        .get("enabled")
                        .asBoolean())
                .isTrue();
        assertThat(redis.keys(PREFIX + "models:v1:*")).isNotEmpty();

        http.patchJson("/api/v1/models/" + id, "{\"enabled\": false}", owner);

        assertThat(Http.json(http.get("/api/v1/models/" + id, owner))
                        .get("enabled")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aDeletedPromptIsGoneAndItsNameFree() {
        String id = create();
        http.get("/api/v1/prompts/by-name/triage", owner);
        assertThat(http.delete("/api/v1/prompts/" + id, owner).statusCode()).isEqualTo(204);

        assertThat(http.get("/api/v1/prompts/" + id, owner).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/prompts/by-name/triage", owner).statusCode())
                .isEqualTo(404);
        String again = create();
        assertThat(Http.json(http.get("/api/v1/prompts/by-name/triage", owner))
                        .get("id")
                        .asString())
                .isEqualTo(again);
    }

    @Test
    void revokingAKeyOrDemotingItsUserBitesOnTheNextRequest() {
        var member = acme.member("member");
        assertThat(http.get("/api/v1/users", member.bearer()).statusCode()).isEqualTo(200);
        assertThat(redis.keys(PREFIX + "api-keys:v1:*")).isNotEmpty();

        http.patchJson("/api/v1/users/" + member.userId(), "{\"role\": \"viewer\"}", owner);
        assertThat(http.postJson("/api/v1/prompts", TRIAGE, member.bearer()).statusCode())
                .as("a viewer now")
                .isEqualTo(403);

        String keyId = jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(member.userId())
                .query(UUID.class)
                .single()
                .toString();
        http.postJson("/api/v1/api-keys/" + keyId + "/revoke", "", owner);
        assertThat(http.get("/api/v1/users", member.bearer()).statusCode()).isEqualTo(401);
    }

    @Test
    void evictionsMissedWhileRedisHangsAreMadeGoodWhenItAnswers() {
        String id = create();
        assertThat(latest(id)).isEqualTo(1);

        // Redis stops answering writes for a while (as in a network partition); the entry stays in Redis.
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>)
                connection -> connection.execute("CLIENT", "PAUSE".getBytes(), "3000".getBytes(), "WRITE".getBytes()));
        var added = http.postJson(
                "/api/v1/prompts/" + id + "/versions",
                "{\"baseVersion\": 1, \"template\": {\"format\": \"text\", \"text\": \"v2 {{ticket}}\"}}",
                owner);
        assertThat(added.statusCode())
                .as("the write succeeds although the eviction cannot")
                .isEqualTo(201);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(latest(id)).isEqualTo(2));
    }

    private String create() {
        var response = http.postJson("/api/v1/prompts", TRIAGE, owner);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Http.json(response).get("id").asString();
    }

    private int latest(String id) {
        return Http.json(http.get("/api/v1/prompts/" + id, owner))
                .get("latestVersion")
                .asInt();
    }

    private String description(String id) {
        return Http.json(http.get("/api/v1/prompts/" + id, owner))
                .get("description")
                .asString();
    }

    private int versionAtProduction(String id) {
        JsonNode prompt = Http.json(http.get("/api/v1/prompts/" + id + "?label=production", owner));
        return prompt.get("version").get("version").asInt();
    }

    private void label(String id, int version) {
        http.putJson("/api/v1/prompts/" + id + "/labels/production", "{\"version\": " + version + "}", owner);
    }
}
