package dev.promptline.api.platform.redis;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param url {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS; empty runs without Redis
 * @param timeout the longest wait for one command
 * @param keyPrefix prefix of every key Promptline writes, so installations (and test runs) can share one Redis
 */
@ConfigurationProperties("promptline.redis")
@Validated
public record RedisProperties(
        @Nullable String url,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("promptline:") String keyPrefix) {}
