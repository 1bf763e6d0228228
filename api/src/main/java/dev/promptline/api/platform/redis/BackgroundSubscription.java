package dev.promptline.api.platform.redis;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * A Redis pub/sub subscription that Redis being down cannot stop the service over: {@link #start()} returns at once
 * and subscribes in the background, retried with backoff until it holds; after that the listener container's own
 * recovery (the same backoff) resubscribes after a lost connection. For a channel component's lifecycle to delegate
 * to.
 */
public final class BackgroundSubscription {
    private static final Logger log = LoggerFactory.getLogger(BackgroundSubscription.class);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();
    private final String subject;
    private volatile boolean running;

    /**
     * @param subject what is listened for, for thread names and log lines ("execution cancels")
     */
    public BackgroundSubscription(
            RedisConnectionFactory connections, ChannelTopic topic, MessageListener listener, String subject) {
        this.subject = subject;
        container.setConnectionFactory(connections);
        var backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(MAX_RETRY.toMillis());
        container.setRecoveryBackoff(backOff);
        container.addMessageListener(listener, topic);
    }

    public void start() {
        running = true;
        container.afterPropertiesSet();
        Thread.ofVirtual().name(subject.replace(' ', '-') + "-subscriber").start(this::subscribe);
    }

    private void subscribe() {
        long wait = 500;
        while (running) {
            try {
                container.start();
                return;
            } catch (RuntimeException e) {
                log.warn("Cannot subscribe to {} yet ({}); retrying in {} ms", subject, e.getMessage(), wait);
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

    public void stop() {
        running = false;
        container.stop();
    }

    public boolean isRunning() {
        return running;
    }
}
