package dev.promptline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {
    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        assertThat(RuntimeSettings.fromEnvironment(Map.of())).isEqualTo(RuntimeSettings.DEFAULTS);
        assertThat(RuntimeSettings.fromEnvironment(Map.of("PROVIDER_MAX_ATTEMPTS", " ")))
                .isEqualTo(RuntimeSettings.DEFAULTS);
    }

    @Test
    void readsEverySetting() {
        var settings = RuntimeSettings.fromEnvironment(Map.of(
                "MODEL_ALLOWED_HOSTS", "ollama.internal, 10.0.0.0/8",
                "PROVIDER_CONNECT_TIMEOUT", "3s",
                "PROVIDER_MAX_ATTEMPTS", "5",
                "PROVIDER_RETRY_INITIAL_BACKOFF", "100ms",
                "PROVIDER_RETRY_MAX_BACKOFF", "PT1M"));

        assertThat(settings)
                .isEqualTo(new RuntimeSettings(
                        List.of("ollama.internal", "10.0.0.0/8"),
                        Duration.ofSeconds(3),
                        5,
                        Duration.ofMillis(100),
                        Duration.ofMinutes(1)));
    }

    @Test
    void aBadValueNamesItsVariable() {
        assertThatThrownBy(() -> RuntimeSettings.fromEnvironment(Map.of("PROVIDER_CONNECT_TIMEOUT", "soon")))
                .hasMessageContaining("PROVIDER_CONNECT_TIMEOUT");
        assertThatThrownBy(() -> RuntimeSettings.fromEnvironment(Map.of("PROVIDER_MAX_ATTEMPTS", "three")))
                .hasMessageContaining("PROVIDER_MAX_ATTEMPTS");
        assertThatThrownBy(() -> RuntimeSettings.fromEnvironment(Map.of("PROVIDER_MAX_ATTEMPTS", "0")))
                .hasMessageContaining("maxAttempts");
    }
}
