package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.Tenants;
import dev.promptline.api.testing.TestDatabases;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SIGTERM while a request is in flight: the service stops accepting connections, finishes the request, closes the
 * pool and exits 0. Runs the service as a real process, because only a real process receives signals.
 */
class GracefulShutdownIT {
    private String database;

    @BeforeEach
    void createDatabase() {
        database = TestDatabases.createMigrated();
    }

    @AfterEach
    void dropDatabase() {
        TestDatabases.drop(database);
    }

    @Test
    void drainsInFlightRequestsThenExitsZero() throws Exception {
        List<String> command = ServiceProcess.javaCommand(
                List.of(),
                ServiceProcess.testClasspath(),
                ApiApplication.class.getName(),
                "--spring.main.sources=" + SlowController.class.getName());
        try (var service = ServiceProcess.start(
                command,
                Map.of(
                        "DATABASE_URL",
                        TestDatabases.url(database),
                        "DATABASE_USER",
                        TestDatabases.USER,
                        "DATABASE_PASSWORD",
                        TestDatabases.PASSWORD,
                        "SHUTDOWN_GRACE_PERIOD",
                        "20s"))) {
            service.awaitReady(Duration.ofSeconds(60));
            // Every path but a few needs a key, /test/slow too.
            var owner = new Tenants(JdbcClient.create(new DriverManagerDataSource(
                            TestDatabases.url(database), TestDatabases.USER, TestDatabases.PASSWORD)))
                    .create("shutdown")
                    .owner();
            var http = new Http(service.port, owner.bearer());

            var slow = HttpClient.newHttpClient()
                    .sendAsync(
                            http.request("/test/slow?millis=2500").GET().build(), HttpResponse.BodyHandlers.ofString());
            service.awaitOutput(SlowController.STARTED, Duration.ofSeconds(10));

            CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> terminate(service));

            service.awaitOutput("Commencing graceful shutdown", Duration.ofSeconds(10));
            assertThatThrownBy(() -> http.get("/health"))
                    .as("no new connections once shutdown has begun")
                    .hasCauseInstanceOf(ConnectException.class);

            HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("done");

            assertThat(exitCode.get(40, TimeUnit.SECONDS)).as(service.output()).isZero();
            assertThat(service.output())
                    .contains("Graceful shutdown complete")
                    .contains("promptline - Shutdown completed");
        }
    }

    private static int terminate(ServiceProcess service) {
        try {
            return service.terminate(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Added to the service only in this test, through spring.main.sources. */
    @RestController
    static class SlowController {
        static final String STARTED = "slow request started";
        private static final Logger log = LoggerFactory.getLogger(SlowController.class);

        @GetMapping("/test/slow")
        String slow(@RequestParam long millis) throws InterruptedException {
            log.info(STARTED);
            // Stands in for a handler doing slow work; the test waits on the log line above, not on time.
            Thread.sleep(millis);
            return "done";
        }
    }
}
