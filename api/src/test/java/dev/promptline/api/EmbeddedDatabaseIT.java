package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.promptline.api.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The zero-configuration default, as a user runs it: the packaged jar with no database settings starts its own
 * PostgreSQL, says where the data is, and finds the same data after a restart.
 *
 * <p>Run as whoever runs the suite. As root (containers, CI runners), PostgreSQL runs under the unprivileged account the
 * service creates, which alone owns the server's data and binaries; a second test then covers a regular user too.
 */
class EmbeddedDatabaseIT {
    private static final String ACCOUNT = "promptline";
    private Path home;

    @BeforeEach
    void createHome() throws IOException {
        home = Files.createTempDirectory("promptline-embedded-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(
                Path.of("target/promptline-api.jar"),
                home.resolve("promptline-api.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(home.resolve("promptline-api.jar"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void deleteHome() throws IOException {
        FileSystemUtils.deleteRecursively(home);
    }

    @Test
    void keepsItsDataAcrossRestartsAndLetsTheSeedCommandInWhileRunning() throws Exception {
        int databasePort = ServiceProcess.freePort();
        try (var first = ServiceProcess.start(command(false), environment(databasePort))) {
            first.awaitReady(Duration.ofSeconds(120));
            assertThat(first.output())
                    .contains("Embedded PostgreSQL is running")
                    .contains(home.resolve("data/postgres").toString());
            insertOrganization(databasePort, "survivor");

            try (var seed = ServiceProcess.start(command(false, "seed"), environment(databasePort))) {
                assertThat(seed.waitForExit(Duration.ofSeconds(120)))
                        .as(seed.output())
                        .isZero();
                assertThat(seed.output()).contains("already runs on port " + databasePort);
            }
            assertThat(organizationSlugs(databasePort)).contains("demo");
            assertThat(first.terminate(Duration.ofSeconds(60)))
                    .as(first.output())
                    .isZero();
        }

        try (var second = ServiceProcess.start(command(false), environment(databasePort))) {
            second.awaitReady(Duration.ofSeconds(120));
            assertThat(organizationSlugs(databasePort)).contains("survivor");
            assertThat(second.terminate(Duration.ofSeconds(60)))
                    .as(second.output())
                    .isZero();
        }
        assertServerFilesArePrivate(isRoot() ? ACCOUNT : System.getProperty("user.name"));
    }

    @Test
    void runsAsARegularUserToo() throws Exception {
        assumeTrue(isRoot(), "the suite already runs as a regular user");
        int databasePort = ServiceProcess.freePort();
        try (var service = ServiceProcess.start(command(true), environment(databasePort))) {
            service.awaitReady(Duration.ofSeconds(120));
            assertThat(service.terminate(Duration.ofSeconds(60)))
                    .as(service.output())
                    .isZero();
        }
        assertServerFilesArePrivate("nobody");
    }

    /** No other local user can read the data or swap the binaries the service runs. */
    private void assertServerFilesArePrivate(String owner) throws IOException {
        for (String folder : List.of("data/postgres", "data/binaries")) {
            Path path = home.resolve(folder);
            assertThat(Files.getOwner(path).getName()).as(folder).isEqualTo(owner);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                    .as(folder)
                    .isEqualTo("rwx------");
        }
    }

    private List<String> command(boolean asNobody, String... arguments) {
        var command = new ArrayList<String>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        command.addAll(List.of(
                ServiceProcess.java(),
                "-Djava.io.tmpdir=" + home,
                "-jar",
                home.resolve("promptline-api.jar").toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private Map<String, String> environment(int databasePort) {
        return Map.of(
                "PROMPTLINE_DATA_DIR", home.resolve("data").toString(),
                "EMBEDDED_DATABASE_PORT", String.valueOf(databasePort),
                "EMBEDDED_DATABASE_ACCOUNT", ACCOUNT,
                "HOME", home.toString());
    }

    private static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    private static void insertOrganization(int port, String slug) throws SQLException {
        try (var connection = DriverManager.getConnection(url(port), "postgres", "");
                var statement = connection.prepareStatement("INSERT INTO organizations (name, slug) VALUES (?, ?)")) {
            statement.setString(1, slug);
            statement.setString(2, slug);
            statement.executeUpdate();
        }
    }

    private static List<String> organizationSlugs(int port) throws SQLException {
        try (var connection = DriverManager.getConnection(url(port), "postgres", "");
                var rows = connection.createStatement().executeQuery("SELECT slug FROM organizations")) {
            var slugs = new ArrayList<String>();
            while (rows.next()) {
                slugs.add(rows.getString(1));
            }
            return slugs;
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/promptline";
    }
}
