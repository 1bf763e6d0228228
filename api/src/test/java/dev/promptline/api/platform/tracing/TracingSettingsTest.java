package dev.promptline.api.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class TracingSettingsTest {
    private final TracingSettings settings = new TracingSettings();

    @Test
    void withoutAnEndpointTracingIsLeftOutBesideWhatWasAlreadyExcluded() {
        var environment = new MockEnvironment().withProperty("spring.autoconfigure.exclude[0]", "com.example.Mine");

        settings.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.autoconfigure.exclude", String[].class))
                .startsWith("com.example.Mine")
                .containsAll(TracingSettings.TRACING_AUTO_CONFIGURATIONS);
        assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isNull();
    }

    @Test
    void aBaseEndpointGetsTheTracesPathAndEverySpanIsSampledByDefault() {
        var environment = environment(Map.of(TracingSettings.ENDPOINT, "http://collector:4318/"));

        assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(environment.getProperty("management.tracing.sampling.probability"))
                .isEqualTo("1.0");
        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void theTracesEndpointWinsAndTheSamplingProbabilityIsKept() {
        var environment = environment(Map.of(
                TracingSettings.ENDPOINT, "http://base:4318",
                TracingSettings.TRACES_ENDPOINT, "https://traces.example.com/otlp/v1/traces",
                TracingSettings.SAMPLING_PROBABILITY, "0.25"));

        assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("https://traces.example.com/otlp/v1/traces");
        assertThat(environment.getProperty("management.tracing.sampling.probability"))
                .isEqualTo("0.25");
    }

    private MockEnvironment environment(Map<String, String> variables) {
        var environment = new MockEnvironment();
        variables.forEach(environment::setProperty);
        settings.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }
}
