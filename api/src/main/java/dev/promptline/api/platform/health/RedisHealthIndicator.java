package dev.promptline.api.platform.health;

import dev.promptline.api.platform.redis.ConditionalOnRedis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Redis is a cache: when it does not answer, the service still serves from PostgreSQL, so readiness reports
 * {@code DEGRADED} (still HTTP 200) rather than taking the replica out of the load balancer. Only present when
 * REDIS_URL is set.
 */
@Component
@ConditionalOnRedis
class RedisHealthIndicator implements HealthIndicator {
    private final RedisConnectionFactory connections;
    private final HealthProperties properties;

    RedisHealthIndicator(RedisConnectionFactory connections, HealthProperties properties) {
        this.connections = connections;
        this.properties = properties;
    }

    static final Status DEGRADED = new Status("DEGRADED", "Redis does not answer; caching and rate limits are off");

    @Override
    public Health health() {
        Health health = TimeLimitedCheck.run(properties.checkTimeout(), this::ping);
        return health.getStatus().equals(Status.UP)
                ? health
                : Health.status(DEGRADED).withDetails(health.getDetails()).build();
    }

    private Health ping() {
        try (var connection = connections.getConnection()) {
            return Health.up()
                    .withDetail("ping", String.valueOf(connection.ping()))
                    .build();
        }
    }
}
