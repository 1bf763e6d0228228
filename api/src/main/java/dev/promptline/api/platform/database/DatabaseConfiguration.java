package dev.promptline.api.platform.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection pool, on a PostgreSQL server from the environment or on the embedded one. Boot's own DataSource
 * auto-configuration backs off because we define the bean; Flyway and the JDBC client use this one.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean
    DatabaseServer databaseServer(DatabaseProperties properties) {
        return DatabaseServer.connect(properties);
    }

    @Bean
    HikariDataSource dataSource(DatabaseServer server, DatabaseProperties properties) {
        ConnectionSettings settings = server.settings();
        var config = new HikariConfig();
        config.setPoolName("promptline");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(properties.pool().maxSize());
        config.setMinimumIdle(properties.pool().minIdle());
        config.setConnectionTimeout(properties.pool().connectionTimeout().toMillis());
        config.setMaxLifetime(properties.pool().maxLifetime().toMillis());
        // Start even when the database is down, so /health answers and /ready can say what is missing.
        config.setInitializationFailTimeout(-1);
        // The server's DETAIL line quotes row contents ("Key (email)=(ann@example.com) already exists"); the driver
        // then leaves it out of exception messages, so no log line or stack trace carries personal data.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        log.info("Database pool on {}", settings);
        return new HikariDataSource(config);
    }

    @Bean
    DatabaseProbe databaseProbe(DatabaseServer server, DatabaseProperties properties) {
        return new DatabaseProbe(server.settings(), properties.pool().connectionTimeout());
    }

    /** Migrations run at start-up unless a deploy job owns them (DATABASE_MIGRATE_ON_START=false). */
    @Bean
    FlywayMigrationStrategy flywayMigrationStrategy(DatabaseProperties properties, ApplicationContext context) {
        var migrations = new SchemaMigrations(context, context instanceof WebServerApplicationContext);
        return flyway -> migrations.atStartup(flyway, properties.migrateOnStart());
    }
}
