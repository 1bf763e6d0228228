package dev.promptline.api.platform.health;

import dev.promptline.api.platform.database.DatabaseProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.springframework.stereotype.Component;

/**
 * Ready when the database answers and its schema is at the newest migration this build ships. Reads one row of
 * Flyway's history instead of asking Flyway, which would rescan the classpath on every probe, on a connection of its
 * own ({@link DatabaseProbe}) so that it sees the database back as soon as it answers.
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

    private final DatabaseProbe probe;
    private final HealthProperties properties;
    private final MigrationVersion expected;

    DatabaseHealthIndicator(DatabaseProbe probe, HealthProperties properties) {
        this.probe = probe;
        this.properties = properties;
        this.expected = newestShippedMigration();
    }

    @Override
    public Health health() {
        return TimeLimitedCheck.run(properties.checkTimeout(), this::check);
    }

    private Health check() {
        Optional<String> applied;
        try {
            applied = probe.run(DatabaseHealthIndicator::latestApplied);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        MigrationVersion current = applied.map(MigrationVersion::fromVersion).orElse(MigrationVersion.EMPTY);
        Health.Builder health = current.compareTo(expected) >= 0 ? Health.up() : Health.outOfService();
        health.withDetail("schemaVersion", applied.orElse("none")).withDetail("expectedVersion", expected.getVersion());
        if (current.compareTo(expected) < 0) {
            health.withDetail("error", "migrations pending");
        }
        return health.build();
    }

    private static Optional<String> latestApplied(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet history = statement.executeQuery(HISTORY_EXISTS)) {
                if (!history.next() || !history.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (ResultSet latest = statement.executeQuery(LATEST_APPLIED)) {
                return latest.next() ? Optional.ofNullable(latest.getString(1)) : Optional.empty();
            }
        }
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
