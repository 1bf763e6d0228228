package dev.promptline.api.models;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Sampling parameters as a request carries them, with their valid ranges; used by models and prompt versions. */
public record ParametersRequest(
        @Nullable @DecimalMin("0") @DecimalMax("2") Double temperature,
        @Nullable @DecimalMin("0") @DecimalMax("1") Double topP,
        @Nullable @Min(1) @Max(1_000_000) Integer maxTokens,
        @Nullable @Size(max = 4) List<@NotBlank @Size(max = 64) String> stop) {

    public ModelParameters toParameters() {
        return new ModelParameters(temperature, topP, maxTokens, stop);
    }

    public static @Nullable ModelParameters toParameters(@Nullable ParametersRequest request) {
        return request == null ? null : request.toParameters();
    }
}
