package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TcpProxy;
import dev.promptline.api.testing.TestDatabases;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Start-up as an operator meets it: a database that is not up yet does not stop the service, and what does stop it
 * is one short report and an exit code that says which failure it was (sysexits.h), never a stack trace.
 */
class StartupIT {
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void startsWithoutItsDatabaseAndBecomesReadyOnceTheDatabaseAnswers() throws Exception {
        String database = TestDatabases.createEmpty();
        var server = URI.create(TestDatabases.SERVER_URL.substring("jdbc:".length()));
        try (var proxy = TcpProxy.to(server.getHost(), server.getPort())) {
            proxy.cut();
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database;
            try (var service = ServiceProcess.start(service(), environment(url))) {
                service.awaitOutput("starting anyway", START);
                var http = new Http(service.port);
                await().atMost(START)
                        .ignoreExceptions()
                        .until(() -> http.get("/health").statusCode() == 200);
                assertThat(http.get("/ready").statusCode()).isEqualTo(503);

                proxy.restore();

                await().atMost(Duration.ofSeconds(60))
                        .until(() -> http.get("/ready").statusCode() == 200);
                // The first-start bootstrap follows the migrations that made the service ready.
                service.awaitOutput("Created organization 'default'", Duration.ofSeconds(30));
                assertThat(organizations(database)).isEqualTo(1);
                assertThat(service.terminate(Duration.ofSeconds(60))).isZero();
            }
        } finally {
            TestDatabases.drop(database);
        }
    }

    @Test
    void aMissingDatabaseIsOneReportAndExitCode69() throws Exception {
        String url = TestDatabases.url(
                "promptline_missing_" + ProcessHandle.current().pid());
        try (var service = ServiceProcess.start(service(), environment(url))) {
            assertThat(service.waitForExit(START)).as(service.output()).isEqualTo(69);
            assertOneReport(service.output())
                    .contains("does not exist")
                    .contains("point DATABASE_URL at one that exists");
        }
    }

    @Test
    void aBadSettingNamesItAndExits78() throws Exception {
        var environment = environment(TestDatabases.url("postgres"));
        environment.put("DATABASE_POOL_MAX_SIZE", "plenty");
        try (var service = ServiceProcess.start(service(), environment)) {
            assertThat(service.waitForExit(START)).as(service.output()).isEqualTo(78);
            assertOneReport(service.output())
                    .contains("promptline.database.pool.max-size")
                    .contains("plenty");
        }
    }

    @Test
    void aPortInUseExits75() throws Exception {
        // Its own database: the service migrates before it binds the port, and must not migrate a shared one.
        String database = TestDatabases.createEmpty();
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var command = service("--server.port=" + taken.getLocalPort(), "--server.address=127.0.0.1");
            try (var service = ServiceProcess.start(command, environment(TestDatabases.url(database)))) {
                assertThat(service.waitForExit(START)).as(service.output()).isEqualTo(75);
                assertOneReport(service.output()).contains("Port " + taken.getLocalPort() + " was already in use");
            }
        } finally {
            TestDatabases.drop(database);
        }
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertOneReport(String output) {
        assertThat(output).containsOnlyOnce("APPLICATION FAILED TO START");
        assertThat(output).as("no stack trace").doesNotContain("stack_trace").doesNotContain("\tat ");
        return assertThat(output);
    }

    private static List<String> service(String... arguments) {
        return ServiceProcess.javaCommand(
                List.of("-XX:TieredStopAtLevel=1"),
                ServiceProcess.testClasspath(),
                ApiApplication.class.getName(),
                arguments);
    }

    private static Map<String, String> environment(String databaseUrl) {
        var environment = new HashMap<String, String>();
        environment.put("DATABASE_URL", databaseUrl);
        environment.put("DATABASE_USER", TestDatabases.USER);
        environment.put("DATABASE_PASSWORD", TestDatabases.PASSWORD);
        environment.put("DATABASE_CONNECTION_TIMEOUT", "1s");
        environment.put("RUNTIME_ADDRESS", "");
        return environment;
    }

    private static int organizations(String database) throws SQLException {
        try (var connection = TestDatabases.connect(database);
                var rows = connection.createStatement().executeQuery("SELECT count(*) FROM organizations")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
