package dev.promptline.api.testing;

import dev.promptline.api.platform.database.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import redis.embedded.RedisServer;

/**
 * Where the tests find PostgreSQL and Redis: the server named by the environment, else the one on the standard local
 * port, else a real server started for this test run from binaries on Maven Central. So {@code ./mvnw verify} works on
 * a machine with only a JDK, and uses the machine's servers where it has them (CI).
 */
final class LocalServers {
    private static final Logger log = LoggerFactory.getLogger(LocalServers.class);

    private LocalServers() {}

    static String postgresAdminUrl() {
        String configured = System.getenv("PROMPTLINE_TEST_DATABASE_URL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (answers(5432)) {
            return "jdbc:postgresql://127.0.0.1:5432/postgres";
        }
        try {
            // The service's own embedded server: as root it runs under an unprivileged account, like the service.
            // Enterable by that account; the server's own folders inside are its alone.
            Path directory = Files.createTempDirectory(
                    "promptline-test-postgres-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            var postgres = EmbeddedPostgresServer.start(directory, 0, "promptline");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                close(postgres);
                delete(directory);
            }));
            log.info("No PostgreSQL on 127.0.0.1:5432; started one for the tests on port {}", postgres.port());
            return postgres.jdbcUrl("postgres");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "No PostgreSQL on 127.0.0.1:5432 and none could be started for the tests. "
                            + "Start a server or set PROMPTLINE_TEST_DATABASE_URL.",
                    e);
        }
    }

    static String redisUrl() {
        String configured = System.getenv("PROMPTLINE_TEST_REDIS_URL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (answers(6379)) {
            return "redis://127.0.0.1:6379";
        }
        int port = ServiceProcess.freePort();
        try {
            RedisServer redis =
                    RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
            redis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(redis)));
            log.info("No Redis on 127.0.0.1:6379; started one for the tests on port {}", port);
            return "redis://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new UncheckedIOException("No Redis on 127.0.0.1:6379 and none could be started for the tests", e);
        }
    }

    private static boolean answers(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path directory) {
        try {
            FileSystemUtils.deleteRecursively(directory);
        } catch (IOException e) {
            log.warn("Could not delete the test PostgreSQL's folder {}", directory, e);
        }
    }

    private static void close(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            log.warn("Could not stop a test server", e);
        }
    }

    private static void close(RedisServer redis) {
        try {
            redis.stop();
        } catch (IOException e) {
            log.warn("Could not stop the test Redis", e);
        }
    }
}
