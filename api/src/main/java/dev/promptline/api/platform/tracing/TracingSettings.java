package dev.promptline.api.platform.tracing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns OpenTelemetry's own endpoint variables into Boot's tracing settings. With {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the whole URL) or {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base that gets {@code
 * /v1/traces}), spans go there over OTLP/HTTP, sampled at {@code TRACING_SAMPLING_PROBABILITY} (default all). Without
 * either, tracing's auto-configuration is left out altogether rather than exporting nowhere: no span is made, so a
 * service that does not trace pays nothing per request for it.
 */
final class TracingSettings implements EnvironmentPostProcessor, Ordered {
    // Bound in application.yaml to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT and
    // TRACING_SAMPLING_PROBABILITY; read here after it, before the auto-configurations are chosen.
    static final String TRACES_ENDPOINT = "promptline.tracing.traces-endpoint";
    static final String ENDPOINT = "promptline.tracing.endpoint";
    static final String SAMPLING_PROBABILITY = "promptline.tracing.sampling-probability";

    /** What tracing adds to the context; Boot's no-op tracer stands in for them when tracing is off. */
    static final List<String> TRACING_AUTO_CONFIGURATIONS = List.of(
            "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.zipkin"
                    + ".ZipkinWithOpenTelemetryTracingAutoConfiguration",
            "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
            "org.springframework.boot.opentelemetry.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
            "org.springframework.boot.opentelemetry.autoconfigure.logging.otlp.OtlpLoggingAutoConfiguration");

    private static final String EXCLUDE = "spring.autoconfigure.exclude";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> settings = new LinkedHashMap<>();
        String endpoint = endpoint(environment);
        if (endpoint == null) {
            List<String> excluded = new ArrayList<>(Binder.get(environment)
                    .bind(EXCLUDE, Bindable.listOf(String.class))
                    .orElse(List.of()));
            excluded.addAll(TRACING_AUTO_CONFIGURATIONS);
            settings.put(EXCLUDE, String.join(",", excluded));
        } else {
            settings.put("management.opentelemetry.tracing.export.otlp.endpoint", endpoint);
            settings.put("management.opentelemetry.tracing.export.otlp.transport", "http");
            settings.put(
                    "management.tracing.sampling.probability", environment.getProperty(SAMPLING_PROBABILITY, "1.0"));
        }
        environment.getPropertySources().addFirst(new MapPropertySource("tracingSettings", settings));
    }

    private static @Nullable String endpoint(ConfigurableEnvironment environment) {
        String traces = environment.getProperty(TRACES_ENDPOINT, "").strip();
        if (!traces.isEmpty()) {
            return traces;
        }
        String base = environment.getProperty(ENDPOINT, "").strip();
        if (base.isEmpty()) {
            return null;
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
