package dev.promptline.api.executions;

import dev.promptline.api.platform.redis.BackgroundSubscription;
import dev.promptline.api.platform.redis.ConditionalOnRedis;
import dev.promptline.api.platform.redis.RedisProperties;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.stereotype.Component;

/**
 * Cancels reach the replica that runs the execution through Redis pub/sub: the replica that got the request
 * publishes the id, every replica hears it, and the one running it cancels. Pub/sub delivers at most once, which is
 * enough here: a cancel that is lost leaves an execution to run to its end or its deadline, never a stuck record.
 * Redis being down at start-up must not stop the service, so the subscription is made in the background and retried.
 */
@Component
@ConditionalOnRedis
class CancelChannel implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CancelChannel.class);

    private final BackgroundSubscription subscription;

    CancelChannel(
            RedisConnectionFactory connections,
            StringRedisTemplate redis,
            RedisProperties properties,
            RunningExecutions executions) {
        var topic = new ChannelTopic(properties.keyPrefix() + "executions:cancel");
        this.subscription = new BackgroundSubscription(
                connections,
                topic,
                (message, pattern) -> {
                    try {
                        executions.cancelHere(UUID.fromString(new String(message.getBody(), StandardCharsets.UTF_8)));
                    } catch (IllegalArgumentException e) {
                        log.warn("Ignored a cancel message that is not an execution id");
                    }
                },
                "execution cancels");
        executions.broadcastWith(id -> {
            try {
                redis.convertAndSend(topic.getTopic(), id.toString());
            } catch (RuntimeException e) {
                // No other replica hears this cancel; the execution ends at its end or its deadline.
                log.warn("Could not publish the cancel of execution {}: {}", id, e.getMessage());
            }
        });
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
}
