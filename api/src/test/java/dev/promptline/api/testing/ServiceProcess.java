package dev.promptline.api.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as its own operating-system process, the way it runs in production: for what only a real process shows
 * (signals, exit codes, the packaged jar, the embedded database's child processes).
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    // A file, not a pipe: a pipe read while the process exits can lose its last lines.
    private final Path output;
    public final int port;

    private ServiceProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts {@code command} with the given environment on free ports; the caller waits for what it needs. */
    public static ServiceProcess start(List<String> command, Map<String, String> environment) {
        int port = freePort();
        Path output = createTempFile();
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("DATABASE_") || name.startsWith("REDIS_"));
        env.putAll(environment);
        env.put("PORT", String.valueOf(port));
        env.put("MANAGEMENT_PORT", String.valueOf(freePort()));
        try {
            return new ServiceProcess(builder.start(), output, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java launcher running these tests, so children use the same JDK. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The test classpath (Failsafe passes it in a property; its own launcher jar only points at it). */
    public static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempFile() {
        try {
            Path file = Files.createTempFile("promptline-service-", ".log");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void awaitOutput(String text, Duration timeout) {
        await().atMost(timeout).until(() -> output().contains(text) || !process.isAlive());
        if (!output().contains(text)) {
            throw new AssertionError("the process ended (exit code %d) without printing '%s':%n%s"
                    .formatted(process.exitValue(), text, output()));
        }
    }

    public void awaitReady(Duration timeout) {
        var http = new Http(port);
        await().atMost(timeout)
                .ignoreExceptions()
                .until(() -> !process.isAlive() || http.get("/ready").statusCode() == 200);
        if (!process.isAlive()) {
            throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + output());
        }
    }

    /** Sends SIGTERM, as an orchestrator does, and returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitForExit(timeout);
    }

    /** Waits for a process that ends by itself (a command) and returns its exit code. */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the service did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** A command line: {@code java [options] -cp classpath main args}. */
    public static List<String> javaCommand(List<String> jvmOptions, String classpath, String main, String... args) {
        var command = new ArrayList<String>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(main);
        command.addAll(List.of(args));
        return command;
    }
}
