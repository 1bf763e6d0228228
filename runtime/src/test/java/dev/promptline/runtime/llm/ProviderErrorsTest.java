package dev.promptline.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderErrorsTest {
    @ParameterizedTest
    @CsvSource({
        "400, INVALID_REQUEST, false",
        "401, AUTH_FAILED, false",
        "403, AUTH_FAILED, false",
        "404, INVALID_REQUEST, false",
        "408, TIMEOUT, true",
        "429, RATE_LIMITED, true",
        "500, PROVIDER_UNAVAILABLE, true",
        "503, PROVIDER_UNAVAILABLE, true",
        "529, PROVIDER_UNAVAILABLE, true"
    })
    void mapsEveryStatusToACodeAndARetryDecision(int status, ModelCallException.Kind kind, boolean retryable) {
        var error = ProviderErrors.forStatus(status, null, "{\"error\":{\"message\":\"nope\"}}", null);

        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.retryable()).isEqualTo(retryable);
        assertThat(error.getMessage()).contains(String.valueOf(status)).contains("nope");
    }

    @Test
    void keepsTheProvidersRetryAfter() {
        assertThat(ProviderErrors.forStatus(429, Duration.ofSeconds(2), "", null)
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(ProviderErrors.parseRetryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(ProviderErrors.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
                .isEqualTo(Duration.ZERO);
        assertThat(ProviderErrors.parseRetryAfter("soon")).isNull();
    }

    @Test
    void neverRepeatsTheCredentialAProviderEchoes() {
        var error = ProviderErrors.forStatus(401, null, "Incorrect API key provided: sk-secret-123", "sk-secret-123");

        assertThat(error.getMessage()).doesNotContain("sk-secret-123").contains("***");
    }

    @Test
    void brokenConnectionsAreRetryableProviderOutagesAndUnknownFaultsAreInternal() {
        assertThat(ProviderErrors.classify(new RuntimeException(new ConnectException("refused")), null)
                        .kind())
                .isEqualTo(ModelCallException.Kind.PROVIDER_UNAVAILABLE);
        assertThat(ProviderErrors.classify(new IOException("connection reset"), null)
                        .retryable())
                .isTrue();
        assertThat(ProviderErrors.classify(new IllegalStateException("bug"), null)
                        .kind())
                .isEqualTo(ModelCallException.Kind.INTERNAL);
    }
}
