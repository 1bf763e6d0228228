package dev.promptline.api.platform.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param checkTimeout how long one readiness check may take before it counts as down, so probes answer fast */
@ConfigurationProperties("promptline.health")
@Validated
public record HealthProperties(@DefaultValue("2s") Duration checkTimeout) {}
