package dev.promptline.bench.execute;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads the service's database with psql (the local server, user postgres, trust authentication). */
public final class Database {
    private final String name;

    public Database(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("Not a plain database name: " + name);
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The rows of one query, each as its columns separated by {@code |}. */
    public List<String> query(String sql) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder(
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-d",
                        name,
                        "-XtAq",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        sql)
                .redirectErrorStream(true)
                .start();
        String output = new String(psql.getInputStream().readAllBytes(), UTF_8);
        if (!psql.waitFor(1, TimeUnit.MINUTES) || psql.exitValue() != 0) {
            throw new IOException("psql failed on " + sql + ":\n" + output);
        }
        return output.lines().filter(line -> !line.isBlank()).toList();
    }
}
