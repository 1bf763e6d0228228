package dev.promptline.api.models;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM for provider credentials at rest, with a current key that encrypts and previous keys that only decrypt,
 * so the key can be rotated without a moment in which stored credentials are unreadable. Stored as
 * {@code 2 | 4-byte key id | 12-byte nonce | ciphertext+tag}; the key id (from a hash of the key) says which key to
 * use. Version 1 ({@code 1 | nonce | ciphertext+tag}, before key ids) is still read by trying each key. The
 * organization id is the associated data, so a ciphertext copied into another tenant's row does not decrypt.
 */
final class CredentialCipher {
    private static final byte VERSION_WITHOUT_KEY_ID = 1;
    private static final byte VERSION = 2;
    private static final int KEY_ID_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final @Nullable EncryptionKey current;
    /** The current key first, then the previous ones: what decrypts. */
    private final List<EncryptionKey> keys;

    CredentialCipher(@Nullable String base64Key) {
        this(base64Key, List.of());
    }

    /**
     * @param base64Key the key new credentials are encrypted with, or null for none
     * @param previousBase64Keys keys that only decrypt: those credentials were encrypted with before a rotation
     */
    CredentialCipher(@Nullable String base64Key, List<String> previousBase64Keys) {
        this.current = base64Key == null || base64Key.isBlank()
                ? null
                : EncryptionKey.parse(base64Key, "CREDENTIALS_ENCRYPTION_KEY");
        var keys = new ArrayList<EncryptionKey>();
        if (current != null) {
            keys.add(current);
        }
        previousBase64Keys.stream()
                .map(key -> EncryptionKey.parse(key, "CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS"))
                .filter(key -> current == null || key.id() != current.id())
                .forEach(keys::add);
        this.keys = List.copyOf(keys);
    }

    boolean isConfigured() {
        return current != null;
    }

    byte[] encrypt(OrganizationId organization, String secret) {
        EncryptionKey key = requireKey();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(organization));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + KEY_ID_BYTES + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .putInt(key.id())
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JVM", e);
        }
    }

    String decrypt(OrganizationId organization, byte[] stored) throws GeneralSecurityException {
        requireKey();
        if (stored.length > 1 + KEY_ID_BYTES + NONCE_BYTES && stored[0] == VERSION) {
            int keyId = ByteBuffer.wrap(stored, 1, KEY_ID_BYTES).getInt();
            EncryptionKey key = keys.stream()
                    .filter(candidate -> candidate.id() == keyId)
                    .findFirst()
                    .orElseThrow(() -> new GeneralSecurityException(
                            "Encrypted with a key this server does not have (key id %08x)".formatted(keyId)));
            return open(key, organization, stored, 1 + KEY_ID_BYTES);
        }
        if (stored.length > 1 + NONCE_BYTES && stored[0] == VERSION_WITHOUT_KEY_ID) {
            GeneralSecurityException failure = new GeneralSecurityException("No configured key decrypts it");
            for (EncryptionKey key : keys) {
                try {
                    return open(key, organization, stored, 1);
                } catch (GeneralSecurityException e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
        throw new GeneralSecurityException("Unknown credential format");
    }

    /** Whether a stored credential is encrypted with anything but the current key (a rotation has it re-encrypted). */
    boolean needsReencryption(byte[] stored) {
        EncryptionKey key = requireKey();
        return stored.length <= 1 + KEY_ID_BYTES
                || stored[0] != VERSION
                || ByteBuffer.wrap(stored, 1, KEY_ID_BYTES).getInt() != key.id();
    }

    /** The current key's id as stored in each ciphertext, for operators to tell keys apart without seeing them. */
    Optional<String> currentKeyId() {
        return Optional.ofNullable(current).map(key -> "%08x".formatted(key.id()));
    }

    private static String open(EncryptionKey key, OrganizationId organization, byte[] stored, int nonceAt)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                key.secret(),
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(stored, nonceAt, nonceAt + NONCE_BYTES)));
        cipher.updateAAD(associatedData(organization));
        int sealedAt = nonceAt + NONCE_BYTES;
        return new String(cipher.doFinal(stored, sealedAt, stored.length - sealedAt), StandardCharsets.UTF_8);
    }

    private EncryptionKey requireKey() {
        if (current == null) {
            throw new PromptlineException(
                    ErrorCode.CREDENTIALS_NOT_CONFIGURED,
                    "This server has no CREDENTIALS_ENCRYPTION_KEY, so it cannot store an API key; "
                            + "reference an environment variable of the runtime instead (credential.envVar).");
        }
        return current;
    }

    private static byte[] associatedData(OrganizationId organization) {
        return organization.value().toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param id the first four bytes of SHA-256 over a label and the key: names the key in a ciphertext, and says
     *     nothing useful about a random 256-bit key
     */
    private record EncryptionKey(SecretKey secret, int id) {
        static EncryptionKey parse(String base64Key, String variable) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64Key.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(variable + " is not base64", e);
            }
            if (bytes.length != 32) {
                throw new IllegalStateException(
                        variable + " must be 32 bytes (base64 of `openssl rand 32`), not " + bytes.length);
            }
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update("promptline credential key id".getBytes(StandardCharsets.US_ASCII));
                int id = ByteBuffer.wrap(sha256.digest(bytes)).getInt();
                return new EncryptionKey(new SecretKeySpec(bytes, "AES"), id);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
        }

        @Override
        public String toString() {
            return "EncryptionKey[id=%08x]".formatted(id);
        }
    }
}
