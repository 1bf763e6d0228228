package dev.promptline.api.models;

import dev.promptline.api.platform.database.DatabaseProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ModelsConfiguration.class);
    private static final String KEY_FILE = "credentials-key";

    /**
     * The key from CREDENTIALS_ENCRYPTION_KEY; in the embedded mode without one, a key made once and kept beside the
     * data (mode 600), so the zero-config service can store credentials too. A server deployment without the key
     * still runs, and accepts only environment-variable credentials.
     */
    @Bean
    CredentialCipher credentialCipher(ModelsProperties properties, DatabaseProperties database) {
        if (properties.credentialsKey() != null && !properties.credentialsKey().isBlank()) {
            return new CredentialCipher(properties.credentialsKey(), properties.previousCredentialsKeys());
        }
        if (database.isEmbedded()) {
            return new CredentialCipher(
                    localKey(database.embedded().directory().resolve(KEY_FILE)), properties.previousCredentialsKeys());
        }
        log.warn(
                "CREDENTIALS_ENCRYPTION_KEY is not set: models can reference credentials by environment variable only");
        return new CredentialCipher(null);
    }

    @Bean
    BaseUrlPolicy baseUrlPolicy(ModelsProperties properties) {
        return new BaseUrlPolicy(properties.allowedHosts());
    }

    private static String localKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, encoded + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.info("Made a credential encryption key for the embedded mode in {}", file);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file, e);
        }
    }
}
