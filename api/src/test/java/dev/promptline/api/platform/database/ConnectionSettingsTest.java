package dev.promptline.api.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    @Test
    void jdbcUrlsAreUsedAsGiven() {
        var settings = ConnectionSettings.fromUrl("jdbc:postgresql://db:5432/app?sslmode=require", "app", "pw");
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/app?sslmode=require");
        assertThat(settings.username()).isEqualTo("app");
        assertThat(settings.password()).isEqualTo("pw");
    }

    @Test
    void platformStyleUrlsCarryTheirCredentials() {
        var settings = ConnectionSettings.fromUrl(
                "postgres://app:p%40ss%3Aword@db.internal:6543/prod?sslmode=verify-full", null, null);
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/prod?sslmode=verify-full");
        assertThat(settings.username()).isEqualTo("app");
        assertThat(settings.password()).isEqualTo("p@ss:word");
    }

    @Test
    void explicitCredentialsWinOverTheUrls() {
        var settings = ConnectionSettings.fromUrl("postgresql://app:old@db/prod", "admin", "new");
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db/prod");
        assertThat(settings.username()).isEqualTo("admin");
        assertThat(settings.password()).isEqualTo("new");
    }

    @Test
    void partsMakeAUrl() {
        var properties = new DatabaseProperties(
                null,
                "pg.local",
                5433,
                "promptline",
                "u",
                "p",
                true,
                new DatabaseProperties.Pool(10, 2, java.time.Duration.ofSeconds(5), java.time.Duration.ofMinutes(30)),
                new DatabaseProperties.Embedded(java.nio.file.Path.of(".promptline"), 0, "promptline"));
        assertThat(ConnectionSettings.from(properties).jdbcUrl())
                .isEqualTo("jdbc:postgresql://pg.local:5433/promptline");
        assertThat(properties.isEmbedded()).isFalse();
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> ConnectionSettings.fromUrl("mysql://db/app", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL");
    }

    @Test
    void thePasswordNeverShowsInToString() {
        var settings = ConnectionSettings.fromUrl("postgres://app:hunter2@db/prod", null, null);
        assertThat(settings.toString()).doesNotContain("hunter2").contains("(set)");
    }
}
