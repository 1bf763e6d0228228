package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {

    @Test
    void everyCatalogueEntryKeepsItsStatusAndGetsAType() {
        for (ErrorCode code : ErrorCode.values()) {
            OpenAiError error = OpenAiErrors.of(code, "detail");

            assertThat(error.status())
                    .as(code.name())
                    .isEqualTo(code == ErrorCode.BUDGET_EXCEEDED ? 429 : code.status());
            assertThat(error.type()).as(code.name()).isNotBlank();
            assertThat(error.code()).as(code.name()).isNotBlank();
        }
    }

    @Test
    void aRetryIsDiscouragedOnlyWhereItCannotHelp() {
        assertThat(OpenAiErrors.of(ErrorCode.INVALID_REQUEST, "x").retryable()).isFalse();
        assertThat(OpenAiErrors.of(ErrorCode.RESOURCE_NOT_FOUND, "x").retryable())
                .isFalse();
        assertThat(OpenAiErrors.of(ErrorCode.RATE_LIMITED, "x").retryable()).isTrue();
        assertThat(OpenAiErrors.of(ErrorCode.BUDGET_EXCEEDED, "x").retryable()).isFalse();
        assertThat(OpenAiErrors.of(ErrorCode.CONFLICT, "x").retryable()).isTrue();
        assertThat(OpenAiErrors.of(ErrorCode.PROVIDER_UNAVAILABLE, "x").retryable())
                .isTrue();
    }

    @Test
    void aBadVariableNamesPromptVariables() {
        OpenAiError error = OpenAiErrors.of(PromptlineException.invalidField("#/variables", "missing: ticket"));

        assertThat(error.param()).isEqualTo("prompt_variables");
        assertThat(error.message()).isEqualTo("prompt_variables: missing: ticket");
    }

    @Test
    void openAisOwnCodesWhereTheyMeanTheSame() {
        assertThat(OpenAiErrors.of(ErrorCode.UNAUTHENTICATED, "x").code()).isEqualTo("invalid_api_key");
        assertThat(OpenAiErrors.of(ErrorCode.RATE_LIMITED, "x").code()).isEqualTo("rate_limit_exceeded");
        assertThat(OpenAiErrors.of(ErrorCode.MODEL_DISABLED, "x").code()).isEqualTo("model_disabled");
    }
}
