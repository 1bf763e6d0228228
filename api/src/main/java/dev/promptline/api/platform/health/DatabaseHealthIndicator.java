package dev.promptline.api.platform.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Ready when the database answers and its schema is at the newest migration this build ships. Reads one row of
 * Flyway's history instead of asking Flyway, which would rescan the classpath on every probe.
 */
@Component
class DatabaseHealthIndicator implements HealthIndicator {
    private static final String LATEST_APPLIED = """
            SELECT version
            FROM flyway_schema_history
            WHERE success AND version IS NOT NULL
            ORDER BY installed_rank DESC
            LIMIT 1
            """;
    private static final String HISTORY_EXISTS = "SELECT to_regclass('flyway_schema_history') IS NOT NULL";
    private static final Pattern VERSIONED = Pattern.compile("V([0-9_.]+)__.+\\.sql");

    private final JdbcClient jdbc;
    private final HealthProperties properties;
    private final MigrationVersion expected;

    DatabaseHealthIndicator(JdbcClient jdbc, HealthProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.expected = newestShippedMigration();
    }

    @Override
    public Health health() {
        return TimeLimitedCheck.run(properties.checkTimeout(), this::check);
    }

    private Health check() {
        boolean migrated = Boolean.TRUE.equals(
                jdbc.sql(HISTORY_EXISTS).query(Boolean.class).single());
        Optional<String> applied =
                migrated ? jdbc.sql(LATEST_APPLIED).query(String.class).optional() : Optional.empty();
        MigrationVersion current = applied.map(MigrationVersion::fromVersion).orElse(MigrationVersion.EMPTY);
        Health.Builder health = current.compareTo(expected) >= 0 ? Health.up() : Health.outOfService();
        health.withDetail("schemaVersion", applied.orElse("none")).withDetail("expectedVersion", expected.getVersion());
        if (current.compareTo(expected) < 0) {
            health.withDetail("error", "migrations pending");
        }
        return health.build();
    }

    private static MigrationVersion newestShippedMigration() {
        try {
            Resource[] scripts =
                    new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/V*__*.sql");
            return Arrays.stream(scripts)
                    .map(Resource::getFilename)
                    .filter(Objects::nonNull)
                    .map(VERSIONED::matcher)
                    .filter(Matcher::matches)
                    .map(matcher -> MigrationVersion.fromVersion(matcher.group(1)))
                    .max(MigrationVersion::compareTo)
                    .orElse(MigrationVersion.EMPTY);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the migrations on the classpath", e);
        }
    }
}
