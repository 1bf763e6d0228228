package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class WebPropertiesTest {
    @Test
    void defaultsAllowNoOriginAndOneMegabyte() {
        WebProperties properties = bind(Map.of());
        assertThat(properties.corsAllowedOrigins()).isEmpty();
        assertThat(properties.maxRequestBodySize()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(50));
    }

    @Test
    void commaSeparatedOriginsAreTrimmedAndBlanksDropped() {
        WebProperties properties = bind(Map.of(
                "promptline.web.cors-allowed-origins", "https://a.example, https://b.example ,",
                "promptline.web.max-request-body-size", "256KB",
                "promptline.web.max-upload-size", "5MB"));
        assertThat(properties.corsAllowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(properties.maxRequestBodySize()).isEqualTo(DataSize.ofKilobytes(256));
        assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(5));
    }

    private static WebProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("promptline.web", WebProperties.class);
    }
}
