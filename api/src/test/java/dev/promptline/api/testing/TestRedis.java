package dev.promptline.api.testing;

/** The Redis server integration tests use (see {@link LocalServers}). */
public final class TestRedis {
    public static final String URL = LocalServers.redisUrl();

    private TestRedis() {}
}
