package dev.promptline.api.platform.database;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the database is and how to pool connections to it. With neither {@code url} nor {@code host} set, an embedded
 * PostgreSQL is started (the zero-configuration default).
 *
 * @param url a {@code jdbc:postgresql://} or {@code postgres://user:password@host:port/name} URL; wins over the parts
 * @param host the server's host, used with the other parts when {@code url} is empty
 * @param migrateOnStart whether start-up applies pending Flyway migrations; off where a deploy job runs them
 */
@ConfigurationProperties("promptline.database")
@Validated
public record DatabaseProperties(
        @Nullable String url,
        @Nullable String host,
        @DefaultValue("5432") @Min(1) @Max(65535) int port,
        @DefaultValue("promptline") String name,
        @Nullable String username,
        @Nullable String password,
        @DefaultValue("true") boolean migrateOnStart,
        @Valid @DefaultValue Pool pool,
        @Valid @DefaultValue Embedded embedded) {

    /**
     * @param maxSize the most connections open at once; size it to the server's limit divided by replicas
     * @param minIdle connections kept open while idle
     * @param connectionTimeout how long a request waits for a free connection before failing with 503
     * @param maxLifetime a connection is retired after this long, below any server or proxy idle cut-off
     */
    public record Pool(
            @DefaultValue("10") @Min(1) int maxSize,
            @DefaultValue("2") @Min(0) int minIdle,
            @DefaultValue("5s") Duration connectionTimeout,
            @DefaultValue("30m") Duration maxLifetime) {}

    /**
     * @param directory where the embedded server keeps its data (kept across restarts) and its unpacked binaries
     * @param port the embedded server's port; 0 picks a free one
     * @param account the system account PostgreSQL runs as when the service runs as root (created when missing)
     */
    public record Embedded(
            @DefaultValue(".promptline") Path directory,
            @DefaultValue("0") @Min(0) @Max(65535) int port,
            @DefaultValue("promptline") String account) {}

    public boolean isEmbedded() {
        return isBlank(url) && isBlank(host);
    }

    static boolean isBlank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
