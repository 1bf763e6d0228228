package dev.promptline.api.models;

import dev.promptline.api.platform.cache.CacheInvalidation;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.math.BigDecimal;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/** The model registry of an organization: register, change, disable, remove, and look up models. */
@Service
public class ModelService {
    private final ModelRepository models;
    private final CredentialCipher cipher;
    private final BaseUrlPolicy baseUrls;
    private final CacheInvalidation caches;

    ModelService(ModelRepository models, CredentialCipher cipher, BaseUrlPolicy baseUrls, CacheInvalidation caches) {
        this.models = models;
        this.cipher = cipher;
        this.baseUrls = baseUrls;
        this.caches = caches;
    }

    /**
     * What a caller asks to set; {@code null} fields of an update keep their value.
     *
     * @param timeouts replaces both timeouts when set
     */
    public record Changes(
            @Nullable String name,
            @Nullable String providerModelId,
            @Nullable String baseUrl,
            @Nullable ModelParameters parameters,
            @Nullable NewCredential credential,
            @Nullable BigDecimal inputPricePerMillion,
            @Nullable BigDecimal outputPricePerMillion,
            @Nullable Boolean enabled,
            @Nullable ModelTimeouts timeouts) {}

    /** A credential as the caller sends it: a secret to encrypt, or the name of the runtime's variable. */
    public record NewCredential(
            @Nullable String apiKey, @Nullable String envVar) {
        @Override
        public String toString() {
            return "NewCredential[apiKey=" + (apiKey == null ? "(none)" : "(hidden)") + ", envVar=" + envVar + "]";
        }
    }

    public Model create(Caller caller, Provider provider, Changes changes) {
        Instant now = Instant.now();
        var model = new Model(
                new ModelId(UUID.randomUUID()),
                caller.organizationId(),
                provider,
                require(changes.name(), "#/name"),
                require(changes.providerModelId(), "#/providerModelId"),
                baseUrl(provider, changes.baseUrl()),
                changes.parameters() == null ? ModelParameters.NONE : changes.parameters(),
                credential(caller.organizationId(), provider, changes.credential(), new Credential.None()),
                changes.inputPricePerMillion(),
                changes.outputPricePerMillion(),
                changes.enabled() == null || changes.enabled(),
                now,
                now,
                changes.timeouts() == null ? ModelTimeouts.NONE : changes.timeouts());
        return models.insert(model);
    }

    public Model update(Caller caller, ModelId id, Changes changes) {
        Model current = get(caller.organizationId(), id);
        var updated = new Model(
                id,
                current.organizationId(),
                current.provider(),
                changes.name() == null ? current.name() : changes.name(),
                changes.providerModelId() == null ? current.providerModelId() : changes.providerModelId(),
                changes.baseUrl() == null ? current.baseUrl() : baseUrl(current.provider(), changes.baseUrl()),
                changes.parameters() == null ? current.parameters() : changes.parameters(),
                credential(caller.organizationId(), current.provider(), changes.credential(), current.credential()),
                changes.inputPricePerMillion() == null
                        ? current.inputPricePerMillion()
                        : changes.inputPricePerMillion(),
                changes.outputPricePerMillion() == null
                        ? current.outputPricePerMillion()
                        : changes.outputPricePerMillion(),
                changes.enabled() == null ? current.enabled() : changes.enabled(),
                current.createdAt(),
                current.updatedAt(),
                changes.timeouts() == null ? current.timeouts() : changes.timeouts());
        Model saved = models.update(updated).orElseThrow(() -> notFound(id));
        caches.evictAfterCommit(ModelCaches.MODELS, ModelCaches.key(caller.organizationId(), id));
        return saved;
    }

    /**
     * What the runtime needs to authenticate a call to this model's provider: the decrypted secret, or the name of
     * the runtime's environment variable that holds it. Only the execute path asks, right before the call.
     */
    public ProviderCredential providerCredential(Model model) {
        return switch (model.credential()) {
            case Credential.None none -> new ProviderCredential(null, null);
            case Credential.EnvironmentVariable variable -> new ProviderCredential(null, variable.name());
            case Credential.Encrypted encrypted -> {
                try {
                    yield new ProviderCredential(cipher.decrypt(model.organizationId(), encrypted.ciphertext()), null);
                } catch (GeneralSecurityException e) {
                    throw new PromptlineException(
                            ErrorCode.CREDENTIALS_NOT_CONFIGURED,
                            "The credential of model %s cannot be decrypted with this server's key; register it again."
                                    .formatted(model.name()),
                            e);
                }
            }
        };
    }

    public Model get(OrganizationId organizationId, ModelId id) {
        return find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    public Optional<Model> find(OrganizationId organizationId, ModelId id) {
        return models.find(organizationId, id);
    }

    /** The organization's model with this name, as a caller that names models rather than their ids finds it. */
    public Optional<Model> findByName(OrganizationId organizationId, String name) {
        return models.findIdByName(organizationId, name).flatMap(id -> models.find(organizationId, id));
    }

    public Page<Model> list(
            Caller caller,
            @Nullable Provider provider,
            @Nullable Boolean enabled,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                models.list(caller.organizationId(), provider, enabled, Cursor.decode(pageToken), size + 1),
                size,
                model -> new Cursor(model.createdAt(), model.id().value()));
    }

    public void delete(Caller caller, ModelId id) {
        if (!models.delete(caller.organizationId(), id)) {
            throw notFound(id);
        }
        caches.evictAfterCommit(ModelCaches.MODELS, ModelCaches.key(caller.organizationId(), id));
    }

    private @Nullable URI baseUrl(Provider provider, @Nullable String baseUrl) {
        if (baseUrl == null) {
            if (provider.requiresBaseUrl()) {
                throw PromptlineException.invalidField(
                        "#/baseUrl", "is required for provider " + provider.value() + " (an OpenAI-compatible server)");
            }
            return null;
        }
        if (provider == Provider.ECHO) {
            throw PromptlineException.invalidField("#/baseUrl", "must be absent: the echo provider calls nothing");
        }
        return baseUrls.check(baseUrl);
    }

    private Credential credential(
            OrganizationId organization, Provider provider, @Nullable NewCredential requested, Credential current) {
        if (requested == null) {
            if (current instanceof Credential.None && provider.requiresCredential()) {
                throw PromptlineException.invalidField(
                        "#/credential", "is required for provider " + provider.value() + ": an apiKey or an envVar");
            }
            return current;
        }
        if (provider == Provider.ECHO) {
            throw PromptlineException.invalidField("#/credential", "must be absent: the echo provider needs none");
        }
        if ((requested.apiKey() == null) == (requested.envVar() == null)) {
            throw PromptlineException.invalidField("#/credential", "must have exactly one of apiKey and envVar");
        }
        if (requested.envVar() != null) {
            return new Credential.EnvironmentVariable(requested.envVar());
        }
        return new Credential.Encrypted(cipher.encrypt(organization, requested.apiKey()));
    }

    private static String require(@Nullable String value, String pointer) {
        if (value == null) {
            throw PromptlineException.invalidField(pointer, "is required");
        }
        return value;
    }

    static PromptlineException notFound(ModelId id) {
        return new PromptlineException(ErrorCode.RESOURCE_NOT_FOUND, "No model %s in this organization.".formatted(id));
    }
}
