package dev.promptline.api.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Test organizations with users and API keys, written straight to the database in the documented key format
 * ({@code pl_<12 lower-case letters or digits>_<43 base64url characters>}, SHA-256 of the secret stored), so tests
 * of any feature can call the API as any role.
 */
public final class Tenants {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    public Tenants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An organization with an owner, and the owner's key. */
    public Tenant create(String slugPrefix) {
        String slug = slugPrefix + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        UUID organization = jdbc.sql("INSERT INTO organizations (name, slug) VALUES (:slug, :slug) RETURNING id")
                .param("slug", slug)
                .query(UUID.class)
                .single();
        var tenant = new Tenant(organization, slug);
        tenant.owner = tenant.member("owner");
        return tenant;
    }

    public final class Tenant {
        public final UUID organizationId;
        public final String slug;
        private Member owner;

        private Tenant(UUID organizationId, String slug) {
            this.organizationId = organizationId;
            this.slug = slug;
        }

        public Member owner() {
            return owner;
        }

        /** A new user with the role, and a key for them. */
        public Member member(String role) {
            UUID user = jdbc.sql("""
                            INSERT INTO users (organization_id, email, role)
                            VALUES (:organization, :email, :role) RETURNING id
                            """)
                    .param("organization", organizationId)
                    .param("email", role + "-" + UUID.randomUUID() + "@" + slug + ".test")
                    .param("role", role)
                    .query(UUID.class)
                    .single();
            return new Member(user, issueKey(user));
        }

        public String issueKey(UUID user) {
            String prefix = HexFormat.of().formatHex(randomBytes(6));
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
            jdbc.sql("""
                            INSERT INTO api_keys (organization_id, user_id, name, prefix, secret_hash)
                            VALUES (:organization, :user, 'test', :prefix, :hash)
                            """)
                    .param("organization", organizationId)
                    .param("user", user)
                    .param("prefix", prefix)
                    .param("hash", sha256(secret))
                    .update();
            return "pl_" + prefix + "_" + secret;
        }
    }

    /** A user and a working key of theirs. */
    public record Member(UUID userId, String key) {
        public String bearer() {
            return "Bearer " + key;
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
