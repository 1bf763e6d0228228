package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;

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
 * <p>PostgreSQL refuses to run as root, so where the suite runs as root (CI containers) the service is started as the
 * unprivileged {@code nobody} user, exactly as a user would have to.
 */
class EmbeddedDatabaseIT {
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
    void keepsItsDataAcrossRestarts() throws Exception {
        int databasePort = ServiceProcess.freePort();
        try (var first = start(databasePort)) {
            first.awaitReady(Duration.ofSeconds(120));
            assertThat(first.output())
                    .contains("Embedded PostgreSQL is running")
                    .contains(home.resolve("data/postgres").toString());
            insertOrganization(databasePort, "survivor");
            assertThat(first.terminate(Duration.ofSeconds(60)))
                    .as(first.output())
                    .isZero();
        }

        try (var second = start(databasePort)) {
            second.awaitReady(Duration.ofSeconds(120));
            assertThat(organizationSlugs(databasePort)).contains("survivor");
            assertThat(second.terminate(Duration.ofSeconds(60)))
                    .as(second.output())
                    .isZero();
        }
    }

    private ServiceProcess start(int databasePort) {
        var command = new ArrayList<String>();
        if (new UnixSystem().getUid() == 0) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        command.addAll(List.of(
                ServiceProcess.java(),
                "-Djava.io.tmpdir=" + home,
                "-jar",
                home.resolve("promptline-api.jar").toString()));
        return ServiceProcess.start(
                command,
                Map.of(
                        "PROMPTLINE_DATA_DIR", home.resolve("data").toString(),
                        "EMBEDDED_DATABASE_PORT", String.valueOf(databasePort),
                        "HOME", home.toString()));
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
