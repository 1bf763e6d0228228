package dev.promptline.api.platform.security;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param requestsPerMinute the sustained rate per API key
 * @param burst the bucket size: requests a key may make at once after being idle
 */
@ConfigurationProperties("promptline.rate-limit")
@Validated
public record RateLimitProperties(
        @DefaultValue("600") @Min(1) int requestsPerMinute,
        @DefaultValue("100") @Min(1) int burst) {}
