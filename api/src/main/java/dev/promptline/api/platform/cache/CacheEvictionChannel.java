package dev.promptline.api.platform.cache;

import dev.promptline.api.platform.redis.BackgroundSubscription;
import dev.promptline.api.platform.redis.ConditionalOnRedis;
import dev.promptline.api.platform.redis.RedisProperties;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.stereotype.Component;

/**
 * Carries evictions to every replica's local cache tier over Redis pub/sub: {@code <cache>\n<key>} drops one entry,
 * {@code <cache>} alone drops them all. Pub/sub delivers at most once and only to connected subscribers, so each
 * time the subscription is (re)made, which is also after a lost connection, this replica drops all its local entries:
 * it may have missed evictions meanwhile. A replica cut off from Redis keeps its local entries until their TTL.
 */
@Component
@ConditionalOnRedis
class CacheEvictionChannel implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CacheEvictionChannel.class);

    private final StringRedisTemplate redis;
    private final ChannelTopic topic;
    private final BackgroundSubscription subscription;
    private volatile Map<String, TwoLevelCache> caches = Map.of();

    CacheEvictionChannel(RedisConnectionFactory connections, StringRedisTemplate redis, RedisProperties properties) {
        this.redis = redis;
        this.topic = new ChannelTopic(properties.keyPrefix() + "cache:evictions");
        this.subscription = new BackgroundSubscription(connections, topic, new Listener(), "cache evictions");
    }

    /** The local tiers that messages are for, by cache name. */
    void deliverTo(Map<String, TwoLevelCache> caches) {
        this.caches = Map.copyOf(caches);
    }

    void publishEviction(String cache, String key) {
        redis.convertAndSend(topic.getTopic(), cache + "\n" + key);
    }

    void publishClear(String cache) {
        redis.convertAndSend(topic.getTopic(), cache);
    }

    @Override
    public void start() {
        subscription.start();
    }

    @Override
    public void stop() {
        subscription.stop();
    }

    @Override
    public boolean isRunning() {
        return subscription.isRunning();
    }

    private final class Listener implements MessageListener, SubscriptionListener {
        @Override
        public void onMessage(Message message, byte[] pattern) {
            String body = new String(message.getBody(), StandardCharsets.UTF_8);
            int newline = body.indexOf('\n');
            TwoLevelCache cache = caches.get(newline < 0 ? body : body.substring(0, newline));
            if (cache == null) {
                return;
            }
            if (newline < 0) {
                cache.clearLocally();
            } else {
                cache.evictLocally(body.substring(newline + 1));
            }
        }

        @Override
        public void onChannelSubscribed(byte[] channel, long count) {
            caches.values().forEach(TwoLevelCache::clearLocally);
            log.info("Listening for cache evictions; local cache entries dropped, as some may have been missed");
        }
    }
}
