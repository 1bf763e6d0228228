package dev.promptline.api.testing;

/** The Redis server integration tests use; override with PROMPTLINE_TEST_REDIS_URL. */
public final class TestRedis {
    public static final String URL = url();

    private TestRedis() {}

    private static String url() {
        String value = System.getenv("PROMPTLINE_TEST_REDIS_URL");
        return value == null || value.isBlank() ? "redis://127.0.0.1:6379" : value;
    }
}
