package dev.promptline.api.platform.web;

import jakarta.validation.constraints.Positive;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * HTTP edge settings.
 *
 * @param corsAllowedOrigins origins (scheme://host[:port]) whose browsers may call {@code /api/**}; empty allows none
 * @param maxRequestBodySize the largest request body accepted; larger ones get 413
 * @param maxUploadSize the largest file upload accepted (a dataset's JSONL or CSV items), instead of
 *     {@code maxRequestBodySize}; larger ones get 413
 * @param acceptQueueSize the listen backlog: connections the kernel holds while the server has not accepted them yet
 */
@ConfigurationProperties("promptline.web")
@Validated
public record WebProperties(
        @DefaultValue List<String> corsAllowedOrigins,
        @DefaultValue("1MB") DataSize maxRequestBodySize,
        @DefaultValue("50MB") DataSize maxUploadSize,
        @DefaultValue("1024") @Positive int acceptQueueSize) {
    public WebProperties {
        corsAllowedOrigins = corsAllowedOrigins.stream()
                .map(String::strip)
                .filter(origin -> !origin.isEmpty())
                .toList();
    }
}
