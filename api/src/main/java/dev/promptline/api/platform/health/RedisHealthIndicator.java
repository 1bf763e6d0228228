package dev.promptline.api.platform.health;

import dev.promptline.api.platform.redis.ConditionalOnRedis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/** Ready when Redis answers PING. Only present when REDIS_URL is set: without it the service runs without Redis. */
@Component
@ConditionalOnRedis
class RedisHealthIndicator implements HealthIndicator {
    private final RedisConnectionFactory connections;
    private final HealthProperties properties;

    RedisHealthIndicator(RedisConnectionFactory connections, HealthProperties properties) {
        this.connections = connections;
        this.properties = properties;
    }

    @Override
    public Health health() {
        return TimeLimitedCheck.run(properties.checkTimeout(), this::ping);
    }

    private Health ping() {
        try (var connection = connections.getConnection()) {
            return Health.up()
                    .withDetail("ping", String.valueOf(connection.ping()))
                    .build();
        }
    }
}
