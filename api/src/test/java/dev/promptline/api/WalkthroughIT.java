package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The README's walk-through, run as written, so it cannot rot: the {@code sh} blocks between
 * {@code <!-- walkthrough:start} and {@code <!-- walkthrough:end -->} become one bash script ({@code set -euo
 * pipefail}) that runs with curl and jq against the packaged service (the jar a user runs, its in-process runtime and
 * the echo provider; no network). Only the service's ports are rewritten, and the script runs in a directory whose
 * {@code .promptline/bootstrap-api-key} holds the key the service printed, as the embedded mode would leave it.
 *
 * <p>What the README shows a command printing (comment lines right under it, no blank line between; {@code …} stands
 * for anything) must appear in the output, in order. The service runs on its own database, without Redis, as a fresh
 * install does.
 */
class WalkthroughIT {
    private static final Path README = Path.of("").toAbsolutePath().resolveSibling("README.md");
    private static final String START = "<!-- walkthrough:start";
    private static final String END = "<!-- walkthrough:end -->";
    private static final Pattern BOOTSTRAP_KEY = Pattern.compile("shown only now: (pl_[A-Za-z0-9_-]+)");
    private static final Pattern PROBLEM_TYPE = Pattern.compile("https://promptline\\.dev/problems/[a-z0-9-]+");

    private String database;
    private Path directory;

    @BeforeEach
    void prepare() throws IOException {
        database = TestDatabases.createMigrated();
        directory = Files.createTempDirectory("promptline-walkthrough-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        TestDatabases.drop(database);
        FileSystemUtils.deleteRecursively(directory);
    }

    @Test
    void theReadmeWalkthroughRunsAsWritten() throws Exception {
        requireTools("curl", "jq");
        Walkthrough walkthrough = Walkthrough.parse(Files.readAllLines(README));

        int managementPort = ServiceProcess.freePort();
        var environment = new HashMap<String, String>();
        environment.put("DATABASE_URL", TestDatabases.url(database));
        environment.put("DATABASE_USER", TestDatabases.USER);
        environment.put("DATABASE_PASSWORD", TestDatabases.PASSWORD);
        // The embedded mode makes this key by itself; with DATABASE_URL the operator supplies it.
        environment.put("CREDENTIALS_ENCRYPTION_KEY", randomKey());
        // The default: the runtime inside the service, whatever the environment running the tests says.
        environment.put("RUNTIME_ADDRESS", "");
        List<String> command = List.of(
                ServiceProcess.java(),
                // C1 only: a short-lived process starts faster on a busy machine, and behaves the same.
                "-XX:TieredStopAtLevel=1",
                // Over the MANAGEMENT_PORT that ServiceProcess sets, so the script knows where metrics are.
                "-Dmanagement.server.port=" + managementPort,
                "-jar",
                Path.of("target/promptline-api.jar").toAbsolutePath().toString());

        try (var service = ServiceProcess.start(command, environment)) {
            service.awaitReady(Duration.ofSeconds(90));
            Matcher key = BOOTSTRAP_KEY.matcher(service.output());
            assertThat(key.find())
                    .as("the bootstrap key in the log:%n%s", service.output())
                    .isTrue();
            Path keyFile =
                    Files.createDirectories(directory.resolve(".promptline")).resolve("bootstrap-api-key");
            Files.writeString(keyFile, key.group(1) + "\n");
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            // The walk-through runs from the repository's root, where bin/promptline-eval is.
            Files.createSymbolicLink(directory.resolve("bin"), README.resolveSibling("bin"));

            String script = walkthrough.script(service.port, managementPort);
            Run run = runBash(script, Duration.ofMinutes(2));

            String context = "%nThe walk-through script:%n%s%nIt printed:%n%s%nThe service's log:%n%s"
                    .formatted(script, run.output(), service.output());
            assertThat(run.exitCode())
                    .as("exit code of the walk-through" + context)
                    .isZero();
            walkthrough.assertPrintedWhatItShows(run.output());
            assertThat(run.output())
                    .as("the walk-through's executions" + context)
                    .contains("\"provider\":\"echo\"")
                    .contains("\"status\":\"succeeded\"")
                    .contains("event: started", "event: token_delta", "event: completed")
                    .contains(
                            "You triage support tickets for Promptline. Start with the category.\\nI was charged twice")
                    .contains("\"code\":\"EXECUTION_FINISHED\"");
            var problems = new TreeSet<String>();
            PROBLEM_TYPE.matcher(run.output()).results().forEach(problem -> problems.add(problem.group()));
            assertThat(problems)
                    .as("every problem detail the walk-through printed is one the README shows" + context)
                    .allSatisfy(problem -> assertThat(walkthrough.text()).contains(problem));
        }
    }

    /** The walk-through part of the README: its shell blocks, and what it says they print. */
    record Walkthrough(String text, List<List<String>> blocks) {
        static Walkthrough parse(List<String> readme) {
            int start = indexOf(readme, line -> line.startsWith(START));
            int end = indexOf(readme, line -> line.equals(END));
            assertThat(start).as("README.md has a line starting with " + START).isNotNegative();
            assertThat(end)
                    .as("README.md has the line " + END + " after the start")
                    .isGreaterThan(start);
            var blocks = new ArrayList<List<String>>();
            List<String> block = null;
            for (String line : readme.subList(start, end)) {
                if (block == null && line.equals("```sh")) {
                    block = new ArrayList<>();
                } else if (block != null && line.equals("```")) {
                    blocks.add(block);
                    block = null;
                } else if (block != null) {
                    block.add(line);
                }
            }
            assertThat(block)
                    .as("every ```sh block in the walk-through is closed")
                    .isNull();
            assertThat(blocks).as("```sh blocks in the walk-through").isNotEmpty();
            return new Walkthrough(String.join("\n", readme.subList(start, end)), blocks);
        }

        /** The blocks as one script, the service's ports in place of the README's. */
        String script(int port, int managementPort) {
            var script = new StringBuilder("set -euo pipefail\n");
            blocks.forEach(block -> block.forEach(line -> script.append(line).append('\n')));
            String rewritten = script.toString()
                    .replace("localhost:8080", "localhost:" + port)
                    .replace("localhost:8081", "localhost:" + managementPort);
            assertThat(rewritten)
                    .as("the walk-through reaches the service at localhost:8080 and localhost:8081 only")
                    .doesNotContainPattern("(localhost|127\\.0\\.0\\.1):80[0-9][0-9]\\b");
            return rewritten;
        }

        /**
         * The comment lines right under a command (or under such a line) are what it prints; {@code …} stands for
         * anything, and lines may be wrapped, so each piece between {@code …}s must be found, in order.
         */
        List<String> shownOutput() {
            var shown = new ArrayList<String>();
            for (List<String> block : blocks) {
                boolean afterCommand = false;
                for (String line : block) {
                    if (line.isBlank()) {
                        afterCommand = false;
                    } else if (line.startsWith("#")) {
                        if (afterCommand) {
                            shown.add(line.substring(1).strip());
                        }
                    } else {
                        afterCommand = true;
                    }
                }
            }
            return shown;
        }

        void assertPrintedWhatItShows(String output) {
            List<String> shown = shownOutput();
            assertThat(shown)
                    .as("the walk-through shows what its commands print")
                    .isNotEmpty();
            int position = 0;
            for (String line : shown) {
                for (String piece : line.split("…", -1)) {
                    if (piece.isEmpty()) {
                        continue;
                    }
                    int found = output.indexOf(piece, position);
                    if (found < 0) {
                        throw new AssertionError("""
                                README.md's walk-through shows
                                  %s
                                but the commands did not print '%s' (at this point or later). Update the README to \
                                what they print now. The output from that point on:
                                %s
                                """.formatted(line, piece, output.substring(position)));
                    }
                    position = found + piece.length();
                }
            }
        }

        private static int indexOf(List<String> lines, Predicate<String> test) {
            for (int i = 0; i < lines.size(); i++) {
                if (test.test(lines.get(i))) {
                    return i;
                }
            }
            return -1;
        }
    }

    record Run(int exitCode, String output) {}

    /** Runs the script in the prepared directory, with a clean environment: no proxies, no ~/.curlrc. */
    private Run runBash(String script, Duration timeout) throws IOException, InterruptedException {
        Path file = directory.resolve("walkthrough.sh");
        Files.writeString(file, script);
        Path output = directory.resolve("walkthrough.out");
        var builder = new ProcessBuilder("bash", file.toString())
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", directory.toString());
        env.put("LANG", "C.UTF-8");
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "the walk-through did not finish within " + timeout + "; it printed:\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }

    private static void requireTools(String... tools) throws IOException, InterruptedException {
        for (String tool : tools) {
            Process which = new ProcessBuilder("bash", "-c", "command -v " + tool)
                    .redirectErrorStream(true)
                    .start();
            if (which.waitFor() != 0) {
                throw new AssertionError("The README walk-through uses " + tool
                        + ", which is not installed here (.ci/run installs it on CI machines).");
            }
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
