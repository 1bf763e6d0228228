package dev.promptline.api.platform.database;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries on Maven Central: {@code initdb} on first start, then {@code pg_ctl
 * start} and {@code stop}, with its data kept in a local folder. As root it runs under an unprivileged account (see
 * {@link ServerAccount}). A second process pointed at the same folder while the server runs (the seed command beside
 * the service) uses that server instead of failing on its lock; only the process that started it stops it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final long START_TIMEOUT_SECONDS = 60;

    private final ServerAccount account;
    private final Path binaries;
    private final Path data;
    private final int port;
    private final boolean owned;

    private EmbeddedPostgresServer(ServerAccount account, Path binaries, Path data, int port, boolean owned) {
        this.account = account;
        this.binaries = binaries;
        this.data = data;
        this.port = port;
        this.owned = owned;
    }

    /**
     * Starts the server whose data is in {@code directory/postgres}, or joins it when it already runs.
     *
     * @param port the port to listen on; 0 picks a free one
     * @param accountName the account to run as when this process runs as root
     */
    public static EmbeddedPostgresServer start(Path directory, int port, String accountName) throws IOException {
        ServerAccount account = ServerAccount.forCurrentUser(accountName);
        Path root = reachableRoot(directory.toAbsolutePath().normalize(), account);
        Path data = root.resolve("postgres");
        Optional<Integer> running = runningPort(data);
        Path binaries = PostgresBinaries.unpack(root.resolve("binaries"), account);
        if (running.isPresent()) {
            log.info("Embedded PostgreSQL already runs on port {} for {}; using it", running.get(), data);
            return new EmbeddedPostgresServer(account, binaries, data, running.get(), false);
        }
        var server = new EmbeddedPostgresServer(account, binaries, data, port == 0 ? freePort() : port, true);
        server.initializeIfEmpty();
        server.startServer(root.resolve("postgres.log"));
        return server;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return data;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Stops the server if this process started it (fast shutdown: sessions end, data is flushed). */
    @Override
    public void close() throws IOException {
        if (owned) {
            run(pgCtl("stop", "-m", "fast"), "stop");
        }
    }

    /**
     * As root, the data must be in a folder the server's account can enter. A clone under /root is not; then the
     * server's files go to /var/lib/promptline, in a folder named by an id kept in the configured folder: a new (or
     * emptied) data folder gets a new database, as it would anywhere else.
     */
    private static Path reachableRoot(Path directory, ServerAccount account) throws IOException {
        Files.createDirectories(directory);
        if (account.canEnter(directory)) {
            return directory;
        }
        Path idFile = directory.resolve("embedded-postgres-id");
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
        }
        Path fallback = Path.of(
                "/var/lib/promptline",
                Files.readString(idFile, StandardCharsets.UTF_8).strip());
        Files.createDirectories(fallback.getParent());
        account.own(fallback);
        log.info(
                "The embedded PostgreSQL runs as '{}', which cannot enter {}; its files are in {}",
                account.name(),
                directory,
                fallback);
        return fallback;
    }

    /** The port of a server already running on this data (its postmaster.pid names it), if one answers there. */
    private static Optional<Integer> runningPort(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4 || lines.get(3).isBlank()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(lines.get(3).trim());
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return Optional.of(port);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void initializeIfEmpty() throws IOException {
        if (Files.exists(data.resolve("PG_VERSION"))) {
            return;
        }
        account.own(data);
        run(
                List.of(
                        binaries.resolve("bin/initdb").toString(),
                        "--pgdata=" + data,
                        "--username=postgres",
                        "--auth=trust",
                        "--encoding=UTF8",
                        "--locale=C"),
                "initdb");
    }

    private void startServer(Path logFile) throws IOException {
        if (!Files.exists(logFile)) {
            Files.createFile(logFile);
        }
        account.give(logFile);
        // Loopback only, and no Unix socket: nothing in /tmp to collide with another server.
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        try {
            run(
                    pgCtl(
                            "start",
                            "-w",
                            "-t",
                            String.valueOf(START_TIMEOUT_SECONDS),
                            "-l",
                            logFile.toString(),
                            "-o",
                            options),
                    "start");
        } catch (IOException e) {
            throw new IOException(e.getMessage() + lastLines(logFile), e);
        }
    }

    private List<String> pgCtl(String... arguments) {
        var command = new ArrayList<>(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-s"));
        command.addAll(List.of(arguments));
        return command;
    }

    private void run(List<String> command, String step) throws IOException {
        Process process = new ProcessBuilder(account.command(command))
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(START_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("PostgreSQL " + step + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IOException(
                        "PostgreSQL " + step + " failed (exit " + process.exitValue() + "): " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted during PostgreSQL " + step, e);
        }
    }

    private static String lastLines(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "; its log says: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
