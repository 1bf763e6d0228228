package dev.promptline.api.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final OrganizationId acme = new OrganizationId(UUID.randomUUID());

    @Test
    void roundTripsWithoutTheSecretInTheCiphertext() throws GeneralSecurityException {
        var cipher = new CredentialCipher(KEY);
        byte[] sealed = cipher.encrypt(acme, "sk-very-secret");

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("sk-very-secret");
        assertThat(cipher.decrypt(acme, sealed)).isEqualTo("sk-very-secret");
    }

    @Test
    void everyEncryptionIsDifferent() {
        var cipher = new CredentialCipher(KEY);
        assertThat(cipher.encrypt(acme, "same")).isNotEqualTo(cipher.encrypt(acme, "same"));
    }

    @Test
    void aCiphertextMovedToAnotherOrganizationDoesNotDecrypt() {
        var cipher = new CredentialCipher(KEY);
        byte[] sealed = cipher.encrypt(acme, "sk-secret");

        assertThatThrownBy(() -> cipher.decrypt(new OrganizationId(UUID.randomUUID()), sealed))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void withoutAKeyItRefusesToStoreSecrets() {
        var cipher = new CredentialCipher(null);
        assertThat(cipher.isConfigured()).isFalse();
        assertThatThrownBy(() -> cipher.encrypt(acme, "sk")).isInstanceOf(PromptlineException.class);
    }

    @Test
    void afterARotationThePreviousKeyStillDecryptsButNeverEncrypts() throws GeneralSecurityException {
        String newKey = Base64.getEncoder().encodeToString(filled(1));
        byte[] underOldKey = new CredentialCipher(KEY).encrypt(acme, "sk-old");
        var rotated = new CredentialCipher(newKey, List.of(KEY));

        assertThat(rotated.decrypt(acme, underOldKey)).isEqualTo("sk-old");
        assertThat(rotated.needsReencryption(underOldKey)).isTrue();
        byte[] underNewKey = rotated.encrypt(acme, "sk-new");
        assertThat(rotated.needsReencryption(underNewKey)).isFalse();
        assertThat(new CredentialCipher(newKey).decrypt(acme, underNewKey)).isEqualTo("sk-new");
        assertThatThrownBy(() -> new CredentialCipher(KEY).decrypt(acme, underNewKey))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("key this server does not have");
    }

    @Test
    void readsTheFormatWithoutAKeyIdWithAnyConfiguredKey() throws Exception {
        // Version 1, as stored before key ids: 1 | nonce | ciphertext+tag, made here with the JDK directly.
        byte[] nonce = new byte[12];
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, nonce));
        aes.updateAAD(acme.value().toString().getBytes(StandardCharsets.US_ASCII));
        byte[] sealed = aes.doFinal("sk-v1".getBytes(StandardCharsets.UTF_8));
        byte[] stored = ByteBuffer.allocate(1 + 12 + sealed.length)
                .put((byte) 1)
                .put(nonce)
                .put(sealed)
                .array();
        var rotated = new CredentialCipher(Base64.getEncoder().encodeToString(filled(2)), List.of(KEY));

        assertThat(new CredentialCipher(KEY).decrypt(acme, stored)).isEqualTo("sk-v1");
        assertThat(rotated.decrypt(acme, stored)).isEqualTo("sk-v1");
        assertThat(rotated.needsReencryption(stored)).isTrue();
    }

    @Test
    void aBadPreviousKeyFailsStartUpNamingItsVariable() {
        assertThatThrownBy(() -> new CredentialCipher(KEY, List.of("not base64!")))
                .hasMessageContaining("CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS");
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void aKeyOfTheWrongLengthFailsStartUp() {
        assertThatThrownBy(() -> new CredentialCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
