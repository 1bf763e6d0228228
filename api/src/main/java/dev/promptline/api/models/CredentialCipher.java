package dev.promptline.api.models;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM for provider credentials at rest. Stored as {@code version | 12-byte nonce | ciphertext+tag}; the
 * organization id is the associated data, so a ciphertext copied into another tenant's row does not decrypt.
 */
final class CredentialCipher {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final @Nullable SecretKey key;

    CredentialCipher(@Nullable String base64Key) {
        this.key = base64Key == null || base64Key.isBlank() ? null : parse(base64Key);
    }

    boolean isConfigured() {
        return key != null;
    }

    byte[] encrypt(OrganizationId organization, String secret) {
        SecretKey configured = requireKey();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, configured, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(organization));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JVM", e);
        }
    }

    String decrypt(OrganizationId organization, byte[] stored) throws GeneralSecurityException {
        SecretKey configured = requireKey();
        if (stored.length <= 1 + NONCE_BYTES || stored[0] != VERSION) {
            throw new GeneralSecurityException("Unknown credential format");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                configured,
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(stored, 1, 1 + NONCE_BYTES)));
        cipher.updateAAD(associatedData(organization));
        return new String(
                cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES), StandardCharsets.UTF_8);
    }

    private SecretKey requireKey() {
        if (key == null) {
            throw new PromptlineException(
                    ErrorCode.CREDENTIALS_NOT_CONFIGURED,
                    "This server has no CREDENTIALS_ENCRYPTION_KEY, so it cannot store an API key; "
                            + "reference an environment variable of the runtime instead (credential.envVar).");
        }
        return key;
    }

    private static byte[] associatedData(OrganizationId organization) {
        return organization.value().toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static SecretKey parse(String base64Key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("CREDENTIALS_ENCRYPTION_KEY is not base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(
                    "CREDENTIALS_ENCRYPTION_KEY must be 32 bytes (base64 of `openssl rand 32`), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
