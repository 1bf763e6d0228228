package dev.promptline.api.platform.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import java.util.Objects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis client, only when REDIS_URL is set. Boot's own Redis auto-configuration is excluded (application.yaml)
 * because it always connects somewhere, defaulting to localhost, where we want "not configured" to mean "no Redis".
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRedis
class RedisConfiguration {

    @Bean
    LettuceConnectionFactory redisConnectionFactory(RedisProperties properties) {
        RedisURI uri = RedisURI.create(Objects.requireNonNull(properties.url()));
        // While Redis is unreachable, commands fail at once instead of queueing until the timeout: every cache read
        // would otherwise wait that long before falling back to PostgreSQL.
        var options = ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(properties.timeout())
                        .build())
                .build();
        var client = LettuceClientConfiguration.builder()
                .commandTimeout(properties.timeout())
                .clientOptions(options);
        if (uri.isSsl()) {
            client.useSsl();
        }
        return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri), client.build());
    }

    @Bean
    StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connections) {
        return new StringRedisTemplate(connections);
    }
}
