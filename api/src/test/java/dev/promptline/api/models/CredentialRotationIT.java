package dev.promptline.api.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import dev.promptline.api.testing.TestRedis;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Rotating CREDENTIALS_ENCRYPTION_KEY: the service runs on key A, then {@code reencrypt-credentials} runs as its own
 * process with the new key B and A as a previous key, as the runbook has it. Afterwards every credential opens with B
 * alone, and no cached copy under A is left in Redis.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=" + CredentialRotationIT.KEY_A)
class CredentialRotationIT extends AuthenticatedApi {
    static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = key(7);
    private static final String KEY_C = key(9);
    private static final String PREFIX = "it:" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("promptline.redis.url", () -> TestRedis.URL);
        registry.add("promptline.redis.key-prefix", () -> PREFIX);
    }

    @Autowired
    StringRedisTemplate redis;

    @AfterAll
    static void deleteKeys(@Autowired StringRedisTemplate redis) {
        var keys = redis.keys(PREFIX + "*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    @Test
    void movesEveryCredentialToTheNewKeyAndEvictsCachedCopies() throws Exception {
        String gpt = register("gpt", "sk-gpt-secret");
        String claude = register("claude", "sk-claude-secret");
        String cached = PREFIX + "models:v1:" + acme.organizationId + ":" + gpt;
        // Read until Redis holds it: right after start-up the service may still clear its caches once.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(http.get("/api/v1/models/" + gpt, acme.owner().bearer()).statusCode())
                    .isEqualTo(200);
            assertThat(redis.hasKey(cached)).as("the read cached the model").isTrue();
        });

        var first = reencrypt(KEY_B, KEY_A);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("2 re-encrypted, 0 already were");

        var newKeyOnly = new CredentialCipher(KEY_B);
        assertThat(newKeyOnly.decrypt(acme(), stored(gpt))).isEqualTo("sk-gpt-secret");
        assertThat(newKeyOnly.decrypt(acme(), stored(claude))).isEqualTo("sk-claude-secret");
        assertThat(redis.hasKey(cached))
                .as("no copy encrypted under the old key stays cached")
                .isFalse();

        var again = reencrypt(KEY_B, KEY_A);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("0 re-encrypted, 2 already were");
    }

    @Test
    void aCredentialNoKeyOpensFailsTheCommandAndTheRestIsStillMoved() throws Exception {
        String readable = register("readable", "sk-readable");
        String lost = register("lost", "sk-lost");
        jdbc.sql("UPDATE models SET credential_ciphertext = :ciphertext WHERE id = :id::uuid")
                .param("ciphertext", new CredentialCipher(KEY_C).encrypt(acme(), "sk-lost"))
                .param("id", lost)
                .update();

        var run = reencrypt(KEY_B, KEY_A);

        assertThat(run.exitCode())
                .as("an operator must not drop the previous keys now")
                .isNotZero();
        assertThat(run.output())
                .contains("No configured key decrypts these credentials")
                .contains(lost);
        assertThat(run.output()).doesNotContain("sk-readable").doesNotContain("sk-lost");
        assertThat(new CredentialCipher(KEY_B).decrypt(acme(), stored(readable)))
                .isEqualTo("sk-readable");
    }

    private record Run(int exitCode, String output) {}

    private Run reencrypt(String key, String previousKeys) throws InterruptedException {
        var command = ServiceProcess.javaCommand(
                List.of(),
                ServiceProcess.testClasspath(),
                ApiApplication.class.getName(),
                ReencryptCredentialsCommand.NAME);
        try (var process = ServiceProcess.start(
                command,
                Map.of(
                        "DATABASE_URL",
                        TestDatabases.url(database()),
                        "DATABASE_USER",
                        TestDatabases.USER,
                        "DATABASE_PASSWORD",
                        TestDatabases.PASSWORD,
                        "REDIS_URL",
                        TestRedis.URL,
                        "REDIS_KEY_PREFIX",
                        PREFIX,
                        "CREDENTIALS_ENCRYPTION_KEY",
                        key,
                        "CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS",
                        previousKeys))) {
            int exitCode = process.waitForExit(Duration.ofSeconds(90));
            return new Run(exitCode, process.output());
        }
    }

    private String register(String name, String secret) {
        var created = http.postJson(
                "/api/v1/models", """
                {"provider": "openai", "name": "%s", "providerModelId": "gpt-4o-mini", "credential": {"apiKey": "%s"}}
                """.formatted(name, secret), acme.owner().bearer());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("id").asString();
    }

    private byte[] stored(String modelId) {
        return jdbc.sql("SELECT credential_ciphertext FROM models WHERE id = :id::uuid")
                .param("id", modelId)
                .query(byte[].class)
                .single();
    }

    private OrganizationId acme() {
        return new OrganizationId(acme.organizationId);
    }

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) seed);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
