package dev.promptline.api.executions;

import dev.promptline.api.platform.redis.ConditionalOnRedis;
import dev.promptline.api.platform.redis.RedisProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.ExponentialBackOff;

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
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();
    private volatile boolean running;

    CancelChannel(
            RedisConnectionFactory connections,
            StringRedisTemplate redis,
            RedisProperties properties,
            RunningExecutions executions) {
        var topic = new ChannelTopic(properties.keyPrefix() + "executions:cancel");
        container.setConnectionFactory(connections);
        var backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(MAX_RETRY.toMillis());
        container.setRecoveryBackoff(backOff);
        container.addMessageListener(
                (message, pattern) -> {
                    try {
                        executions.cancelHere(UUID.fromString(new String(message.getBody(), StandardCharsets.UTF_8)));
                    } catch (IllegalArgumentException e) {
                        log.warn("Ignored a cancel message that is not an execution id");
                    }
                },
                topic);
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
        running = true;
        container.afterPropertiesSet();
        Thread.ofVirtual().name("execution-cancel-subscriber").start(this::subscribe);
    }

    private void subscribe() {
        long wait = 500;
        while (running) {
            try {
                container.start();
                return;
            } catch (RuntimeException e) {
                log.warn("Cannot subscribe to execution cancels yet ({}); retrying in {} ms", e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                wait = Math.min(wait * 2, MAX_RETRY.toMillis());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        container.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
