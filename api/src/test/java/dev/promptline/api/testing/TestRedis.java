package dev.promptline.api.testing;

import java.net.URI;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The Redis server integration tests use (see {@link LocalServers}). */
public final class TestRedis {
    public static final String URL = LocalServers.redisUrl();

    private TestRedis() {}

    /** A connection for a test that builds its parts by hand; closing it deletes the keys under its prefix. */
    public static Connection connect(String keyPrefix) {
        URI uri = URI.create(URL);
        var factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        return new Connection(factory, new StringRedisTemplate(factory), keyPrefix);
    }

    public record Connection(LettuceConnectionFactory factory, StringRedisTemplate redis, String keyPrefix)
            implements AutoCloseable {
        @Override
        public void close() {
            var keys = redis.keys(keyPrefix + "*");
            if (keys != null && !keys.isEmpty()) {
                redis.delete(keys);
            }
            factory.destroy();
        }
    }
}
