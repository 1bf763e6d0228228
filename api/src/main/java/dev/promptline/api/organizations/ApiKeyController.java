package dev.promptline.api.organizations;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys of the caller's organization. The secret is in the response to the create call and nowhere else, ever;
 * lists show the prefix so a key can be recognised.
 */
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {
    private final ApiKeyService keys;

    ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @GetMapping
    Page<ApiKeyResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return keys.list(caller, pageToken, pageSize).map(ApiKeyResponse::from);
    }

    @GetMapping("/{apiKeyId}")
    ApiKeyResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID apiKeyId) {
        return ApiKeyResponse.from(keys.get(caller, apiKeyId));
    }

    /** Issues a key for {@code userId}, or for the caller's own user when it is absent. */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<CreatedApiKeyResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateApiKeyRequest request) {
        UserId userId = request.userId() == null ? caller.userId() : new UserId(request.userId());
        IssuedApiKey issued = keys.issue(caller, userId, request.name(), request.expiresAt());
        return ResponseEntity.created(
                        URI.create("/api/v1/api-keys/" + issued.key().id()))
                .body(new CreatedApiKeyResponse(ApiKeyResponse.from(issued.key()), issued.token()));
    }

    @PostMapping("/{apiKeyId}/revoke")
    ApiKeyResponse revoke(@AuthenticationPrincipal Caller caller, @PathVariable UUID apiKeyId) {
        return ApiKeyResponse.from(keys.revoke(caller, apiKeyId));
    }

    record CreateApiKeyRequest(
            @NotBlank @Size(max = 255) String name,
            @Nullable UUID userId,
            @Nullable Instant expiresAt) {}

    record ApiKeyResponse(
            UUID id,
            String name,
            String prefix,
            UUID userId,
            Instant createdAt,
            @Nullable Instant expiresAt,
            @Nullable Instant lastUsedAt,
            @Nullable Instant revokedAt) {
        static ApiKeyResponse from(ApiKey key) {
            return new ApiKeyResponse(
                    key.id(),
                    key.name(),
                    "pl_" + key.prefix(),
                    key.userId().value(),
                    key.createdAt(),
                    key.expiresAt(),
                    key.lastUsedAt(),
                    key.revokedAt());
        }
    }

    /** {@code key} is the only time the secret is shown: store it now. */
    record CreatedApiKeyResponse(ApiKeyResponse apiKey, String key) {}
}
