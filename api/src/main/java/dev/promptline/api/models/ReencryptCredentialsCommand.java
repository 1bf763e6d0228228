package dev.promptline.api.models;

import dev.promptline.api.models.ModelRepository.EncryptedCredential;
import dev.promptline.api.platform.cache.CacheInvalidation;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Runs when the service is started as {@code reencrypt-credentials} (see {@code ApiApplication}): the second step of
 * rotating CREDENTIALS_ENCRYPTION_KEY. Every stored credential not yet under the current key is decrypted with
 * whichever configured key it names (CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS) and encrypted again with the current one,
 * one row at a time, so serving replicas keep reading every credential throughout. Safe to run again: what is already
 * under the current key is left alone. Exits non-zero if a credential could not be read with any configured key or
 * a cached copy could not be evicted, since removing the previous keys would then break those models.
 */
@Component
@Profile(ReencryptCredentialsCommand.NAME)
public class ReencryptCredentialsCommand implements ApplicationRunner {
    public static final String NAME = "reencrypt-credentials";

    private static final Logger log = LoggerFactory.getLogger(ReencryptCredentialsCommand.class);
    private static final int PAGE = 500;

    private final ModelRepository models;
    private final CredentialCipher cipher;
    private final CacheInvalidation caches;

    ReencryptCredentialsCommand(ModelRepository models, CredentialCipher cipher, CacheInvalidation caches) {
        this.models = models;
        this.cipher = cipher;
        this.caches = caches;
    }

    @Override
    public void run(ApplicationArguments args) {
        String keyId = cipher.currentKeyId()
                .orElseThrow(() -> new IllegalStateException(
                        "CREDENTIALS_ENCRYPTION_KEY is not set: there is no key to re-encrypt with"));
        int reencrypted = 0;
        int current = 0;
        int changedMeanwhile = 0;
        List<String> unreadable = new ArrayList<>();
        List<String> stillCached = new ArrayList<>();
        UUID after = new UUID(0, 0);
        List<EncryptedCredential> page;
        do {
            page = models.encryptedCredentials(after, PAGE);
            for (EncryptedCredential credential : page) {
                after = credential.id().value();
                if (!cipher.needsReencryption(credential.ciphertext())) {
                    current++;
                    continue;
                }
                String secret;
                try {
                    secret = cipher.decrypt(credential.organizationId(), credential.ciphertext());
                } catch (GeneralSecurityException e) {
                    unreadable.add(describe(credential) + ": " + e.getMessage());
                    continue;
                }
                byte[] replacement = cipher.encrypt(credential.organizationId(), secret);
                if (!models.replaceCiphertext(credential, replacement)) {
                    changedMeanwhile++;
                    continue;
                }
                reencrypted++;
                if (!caches.evictNow(
                        ModelCaches.MODELS, ModelCaches.key(credential.organizationId(), credential.id()))) {
                    stillCached.add(describe(credential));
                }
            }
        } while (page.size() == PAGE);

        log.info(
                "Credentials under key {}: {} re-encrypted, {} already were, {} changed while this ran (so written"
                        + " with the current key), {} unreadable",
                keyId,
                reencrypted,
                current,
                changedMeanwhile,
                unreadable.size());
        if (!unreadable.isEmpty()) {
            throw new IllegalStateException("No configured key decrypts these credentials (add the key they were"
                    + " encrypted with to CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS, or register them again): "
                    + String.join("; ", unreadable));
        }
        if (!stillCached.isEmpty()) {
            throw new IllegalStateException("Re-encrypted, but Redis could not evict the cached copies of "
                    + String.join(", ", stillCached)
                    + "; keep the previous keys until CACHE_TTL_MODELS and CACHE_LOCAL_TTL_MODELS have passed"
                    + " (10m30s by default)");
        }
    }

    private static String describe(EncryptedCredential credential) {
        return "model %s (%s) of organization %s"
                .formatted(
                        credential.name(),
                        credential.id().value(),
                        credential.organizationId().value());
    }
}
