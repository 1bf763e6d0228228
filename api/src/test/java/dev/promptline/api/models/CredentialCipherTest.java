package dev.promptline.api.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
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
    void aKeyOfTheWrongLengthFailsStartUp() {
        assertThatThrownBy(() -> new CredentialCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
