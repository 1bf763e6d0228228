package dev.promptline.api.platform.logging;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The names {@code LOG_FORMAT} takes beyond Boot's own. {@code text}: Spring Boot's plain console lines, for a person
 * at a terminal; Boot knows only structured formats by name (ecs, logstash, gelf) and writes plain text when none is
 * set, so {@code text} clears the setting. {@code ecs}: the same lines as Boot's ECS format, through
 * {@link EcsLogFormatter}, which writes them to bytes at a fraction of the cost. Runs after application.yaml is read,
 * before the logging system starts.
 */
final class LogFormatNames implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
        String replacement = switch (format) {
            case "text" -> "";
            case "ecs" -> EcsLogFormatter.class.getName();
            default -> null;
        };
        if (replacement != null) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("logFormatNames", Map.of(PROPERTY, replacement)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
