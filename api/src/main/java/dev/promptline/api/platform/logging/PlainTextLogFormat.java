package dev.promptline.api.platform.logging;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code LOG_FORMAT=text}: Spring Boot's plain console lines, for a person at a terminal. Boot knows only structured
 * formats by name (ecs, logstash, gelf) and writes plain text when none is set, so {@code text} clears the setting
 * before the logging system starts. Runs after application.yaml is read.
 */
final class PlainTextLogFormat implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(PROPERTY, "");
        if (format.toLowerCase(Locale.ROOT).equals("text")) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("plainTextLogFormat", Map.of(PROPERTY, "")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
