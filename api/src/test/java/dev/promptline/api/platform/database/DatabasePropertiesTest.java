package dev.promptline.api.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The defaults an operator gets with no configuration, and every key mapped. */
class DatabasePropertiesTest {

    @Test
    void defaultsStartTheEmbeddedDatabase() {
        DatabaseProperties properties = bind(Map.of());

        assertThat(properties.isEmbedded()).isTrue();
        assertThat(properties.name()).isEqualTo("promptline");
        assertThat(properties.port()).isEqualTo(5432);
        assertThat(properties.migrateOnStart()).isTrue();
        assertThat(properties.pool())
                .isEqualTo(new DatabaseProperties.Pool(10, 2, Duration.ofSeconds(5), Duration.ofMinutes(30)));
        assertThat(properties.embedded())
                .isEqualTo(new DatabaseProperties.Embedded(Path.of(".promptline"), 0, "promptline"));
    }

    @Test
    void everyKeyMaps() {
        DatabaseProperties properties = bind(Map.ofEntries(
                Map.entry("promptline.database.url", "postgres://db/app"),
                Map.entry("promptline.database.host", "ignored-when-url-set"),
                Map.entry("promptline.database.port", "6543"),
                Map.entry("promptline.database.name", "app"),
                Map.entry("promptline.database.username", "u"),
                Map.entry("promptline.database.password", "p"),
                Map.entry("promptline.database.migrate-on-start", "false"),
                Map.entry("promptline.database.pool.max-size", "20"),
                Map.entry("promptline.database.pool.min-idle", "0"),
                Map.entry("promptline.database.pool.connection-timeout", "250ms"),
                Map.entry("promptline.database.pool.max-lifetime", "10m"),
                Map.entry("promptline.database.embedded.directory", "/var/lib/promptline"),
                Map.entry("promptline.database.embedded.port", "15432")));

        assertThat(properties.isEmbedded()).isFalse();
        assertThat(properties.url()).isEqualTo("postgres://db/app");
        assertThat(properties.port()).isEqualTo(6543);
        assertThat(properties.migrateOnStart()).isFalse();
        assertThat(properties.pool())
                .isEqualTo(new DatabaseProperties.Pool(20, 0, Duration.ofMillis(250), Duration.ofMinutes(10)));
        assertThat(properties.embedded())
                .isEqualTo(new DatabaseProperties.Embedded(Path.of("/var/lib/promptline"), 15432, "promptline"));
    }

    @Test
    void emptyUrlAndHostAreTreatedAsUnset() {
        assertThat(bind(Map.of("promptline.database.url", "", "promptline.database.host", " "))
                        .isEmbedded())
                .isTrue();
    }

    private static DatabaseProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("promptline.database", DatabaseProperties.class);
    }
}
