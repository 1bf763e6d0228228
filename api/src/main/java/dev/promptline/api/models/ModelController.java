package dev.promptline.api.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The model registry. Credentials go in and never come out: responses say only what kind is set. */
@RestController
@RequestMapping("/api/v1/models")
class ModelController {
    private static final String SECONDS = "\\d{1,6}(\\.\\d{1,3})?s";

    private final ModelService models;

    ModelController(ModelService models) {
        this.models = models;
    }

    @GetMapping
    Page<ModelResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable Provider provider,
            @RequestParam(required = false) @Nullable Boolean enabled,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return models.list(caller, provider, enabled, pageToken, pageSize).map(ModelResponse::from);
    }

    @GetMapping("/{modelId}")
    ModelResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID modelId) {
        return ModelResponse.from(models.get(caller.organizationId(), new ModelId(modelId)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<ModelResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateModelRequest request) {
        Model model = models.create(caller, request.provider(), request.changes());
        return ResponseEntity.created(URI.create("/api/v1/models/" + model.id()))
                .body(ModelResponse.from(model));
    }

    @PatchMapping("/{modelId}")
    ModelResponse update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID modelId,
            @Valid @RequestBody UpdateModelRequest request) {
        return ModelResponse.from(models.update(caller, new ModelId(modelId), request.changes()));
    }

    @DeleteMapping("/{modelId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID modelId) {
        models.delete(caller, new ModelId(modelId));
        return ResponseEntity.noContent().build();
    }

    private static ModelService.Changes changes(
            @Nullable String name,
            @Nullable String providerModelId,
            @Nullable String baseUrl,
            @Nullable ParametersRequest parameters,
            @Nullable CredentialRequest credential,
            @Nullable BigDecimal inputPricePerMillion,
            @Nullable BigDecimal outputPricePerMillion,
            @Nullable Boolean enabled) {
        return new ModelService.Changes(
                name,
                providerModelId,
                baseUrl,
                ParametersRequest.toParameters(parameters),
                credential == null ? null : new ModelService.NewCredential(credential.apiKey(), credential.envVar()),
                inputPricePerMillion,
                outputPricePerMillion,
                enabled,
                null);
    }

    record CredentialRequest(
            @Nullable @Size(min = 1, max = 4096) String apiKey,

            @Nullable @Pattern(regexp = "[A-Z_][A-Z0-9_]{0,254}", message = "must be an environment variable name")
            String envVar) {
        @Override
        public String toString() {
            return "CredentialRequest[apiKey=(hidden), envVar=" + envVar + "]";
        }
    }

    record CreateModelRequest(
            @NotNull Provider provider,
            @NotBlank @Size(max = 255) String name,
            @NotBlank @Size(max = 255) String providerModelId,
            @Nullable @Size(max = 2048) String baseUrl,
            @Nullable @Valid ParametersRequest parameters,
            @Nullable @Valid CredentialRequest credential,

            @Nullable @DecimalMin("0") @Digits(integer = 8, fraction = 6)
            BigDecimal inputPricePerMillion,

            @Nullable @DecimalMin("0") @Digits(integer = 8, fraction = 6)
            BigDecimal outputPricePerMillion,

            @Nullable Boolean enabled,
            @Nullable @Valid TimeoutsRequest timeouts) {
        ModelService.Changes changes() {
            return new ModelService.Changes(
                    name,
                    providerModelId,
                    baseUrl,
                    parameters == null ? null : parameters.toParameters(),
                    credential == null
                            ? null
                            : new ModelService.NewCredential(credential.apiKey(), credential.envVar()),
                    inputPricePerMillion,
                    outputPricePerMillion,
                    enabled,
                    timeouts == null ? null : timeouts.toTimeouts());
        }
    }

    record UpdateModelRequest(
            @Nullable @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank")
            String name,

            @Nullable @Size(min = 1, max = 255) String providerModelId,
            @Nullable @Size(max = 2048) String baseUrl,
            @Nullable @Valid ParametersRequest parameters,
            @Nullable @Valid CredentialRequest credential,

            @Nullable @DecimalMin("0") @Digits(integer = 8, fraction = 6)
            BigDecimal inputPricePerMillion,

            @Nullable @DecimalMin("0") @Digits(integer = 8, fraction = 6)
            BigDecimal outputPricePerMillion,

            @Nullable Boolean enabled,
            @Nullable @Valid TimeoutsRequest timeouts) {
        ModelService.Changes changes() {
            return new ModelService.Changes(
                    name,
                    providerModelId,
                    baseUrl,
                    parameters == null ? null : parameters.toParameters(),
                    credential == null
                            ? null
                            : new ModelService.NewCredential(credential.apiKey(), credential.envVar()),
                    inputPricePerMillion,
                    outputPricePerMillion,
                    enabled,
                    timeouts == null ? null : timeouts.toTimeouts());
        }
    }

    /**
     * The timeouts of each attempt, in seconds as proto3's JSON writes durations ({@code "5s"}, {@code "2.5s"}); an
     * absent one is no bound but the execution's deadline.
     */
    record TimeoutsRequest(
            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"5s\"")
            String firstToken,

            @Nullable @Pattern(regexp = SECONDS, message = "must be seconds such as \"10s\"")
            String idle) {
        ModelTimeouts toTimeouts() {
            try {
                return new ModelTimeouts(seconds(firstToken), seconds(idle));
            } catch (IllegalArgumentException e) {
                throw PromptlineException.invalidField("#/timeouts", "each timeout must be positive");
            }
        }

        private static @Nullable Duration seconds(@Nullable String value) {
            if (value == null) {
                return null;
            }
            var seconds = new BigDecimal(value.substring(0, value.length() - 1));
            return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
        }
    }

    /** A model's timeouts as they were set; an unset one is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TimeoutsResponse(
            @Nullable String firstToken, @Nullable String idle) {
        static TimeoutsResponse from(ModelTimeouts timeouts) {
            return new TimeoutsResponse(seconds(timeouts.firstToken()), seconds(timeouts.idle()));
        }

        private static @Nullable String seconds(@Nullable Duration duration) {
            return duration == null
                    ? null
                    : BigDecimal.valueOf(duration.toMillis())
                                    .movePointLeft(3)
                                    .stripTrailingZeros()
                                    .toPlainString() + "s";
        }
    }

    /** Which kind of credential is set ({@code none}, {@code encrypted}, {@code env}), never its value. */
    record CredentialResponse(String kind, @Nullable String envVar) {
        static CredentialResponse from(Credential credential) {
            return switch (credential) {
                case Credential.None none -> new CredentialResponse("none", null);
                case Credential.Encrypted encrypted -> new CredentialResponse("encrypted", null);
                case Credential.EnvironmentVariable variable -> new CredentialResponse("env", variable.name());
            };
        }
    }

    record ModelResponse(
            UUID id,
            Provider provider,
            String name,
            String providerModelId,
            @Nullable URI baseUrl,
            ModelParameters parameters,
            CredentialResponse credential,
            @Nullable BigDecimal inputPricePerMillion,
            @Nullable BigDecimal outputPricePerMillion,
            boolean enabled,
            TimeoutsResponse timeouts,
            Instant createdAt,
            Instant updatedAt) {
        static ModelResponse from(Model model) {
            return new ModelResponse(
                    model.id().value(),
                    model.provider(),
                    model.name(),
                    model.providerModelId(),
                    model.baseUrl(),
                    model.parameters(),
                    CredentialResponse.from(model.credential()),
                    model.inputPricePerMillion(),
                    model.outputPricePerMillion(),
                    model.enabled(),
                    TimeoutsResponse.from(model.timeouts()),
                    model.createdAt(),
                    model.updatedAt());
        }
    }
}
