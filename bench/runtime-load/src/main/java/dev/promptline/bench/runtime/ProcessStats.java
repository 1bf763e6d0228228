package dev.promptline.bench.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Linux and jcmd say about a JVM process: CPU time, resident memory, threads, live heap. */
final class ProcessStats {
    // USER_HZ: 100 on every Linux x86-64 kernel; /proc/<pid>/stat counts CPU time in these ticks.
    private static final long NANOS_PER_TICK = TimeUnit.SECONDS.toNanos(1) / 100;
    // GC.heap_info, JDK 25. G1: "garbage-first heap   total reserved 262144K, committed 93184K, used 57788K [...]";
    // ZGC: "ZHeap            used 14M, capacity 256M, max capacity 256M".
    // Serial and Parallel print neither; they are refused rather than read from the Metaspace line.
    private static final Pattern HEAP_COMMITTED =
            Pattern.compile("(?m)^\\s*(?:garbage-first heap\\s.*?committed|ZHeap\\s.*?, capacity) (\\d+)([KMG])");
    // GC.class_histogram's last line: "Total         <instances>       <bytes>".
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private ProcessStats() {}

    /** The process's open file descriptors, sockets included; -1 when they cannot be listed. */
    static long openFiles(long pid) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            long count = 0;
            for (Path ignored : descriptors) {
                count++;
            }
            return count;
        } catch (IOException e) {
            return -1;
        }
    }

    /** User plus system CPU time of all the process's threads. */
    static long cpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may contain spaces: utime is the 12th, stime
        // the 13th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }

    /** CPU time so far of every process on the machine, by process id. */
    static Map<Long, Long> cpuNanosByProcess() {
        Map<Long, Long> cpu = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                try {
                    cpu.put(pid, cpuNanos(pid));
                } catch (IllegalStateException ended) {
                    // The process ended between the listing and the read.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc", e);
        }
        return cpu;
    }

    /**
     * CPU time that processes other than {@code excluded} used between two {@link #cpuNanosByProcess()} snapshots;
     * a process that ended in between is not counted.
     */
    static long otherCpuNanos(Map<Long, Long> before, Map<Long, Long> after, Set<Long> excluded) {
        long total = 0;
        for (Map.Entry<Long, Long> process : after.entrySet()) {
            if (!excluded.contains(process.getKey())) {
                total += process.getValue() - before.getOrDefault(process.getKey(), 0L);
            }
        }
        return total;
    }

    static long residentKiB(long pid) {
        return statusField(pid, "VmRSS");
    }

    /** Platform threads; virtual threads are not counted, only their carriers. */
    static long threads(long pid) {
        return statusField(pid, "Threads");
    }

    /**
     * The live heap (jcmd GC.class_histogram, which collects first and counts what survives, whatever the collector;
     * GC.heap_info's "used" is in whole mebibytes under ZGC) and the committed heap (GC.heap_info).
     */
    static Heap liveHeap(long pid) {
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher live = HISTOGRAM_TOTAL.matcher(histogram);
        if (!live.find()) {
            throw new IllegalStateException("No Total line in jcmd GC.class_histogram's output");
        }
        String info = jcmd(pid, "GC.heap_info");
        Matcher committed = HEAP_COMMITTED.matcher(info);
        if (!committed.find()) {
            throw new IllegalStateException("Unexpected GC.heap_info output:\n" + info);
        }
        return new Heap(Long.parseLong(live.group(1)) / 1024, kibibytes(committed.group(1), committed.group(2)));
    }

    private static long kibibytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value;
            case "M" -> value * 1024;
            default -> value * 1024 * 1024;
        };
    }

    /** Kibibytes of heap in use and committed. */
    record Heap(long usedKiB, long committedKiB) {}

    /**
     * Connections dropped because a listen queue was full, machine-wide (TcpExt ListenOverflows): a client whose
     * connection was dropped retries it a second or more later, which shows as a late first token.
     */
    static long listenOverflows() {
        String[] lines = read(Path.of("/proc/net/netstat")).split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            List<String> names = List.of(lines[i].split(" "));
            int index = names.indexOf("ListenOverflows");
            if (names.getFirst().equals("TcpExt:") && index > 0) {
                return Long.parseLong(lines[i + 1].split(" ")[index]);
            }
        }
        throw new IllegalStateException("No ListenOverflows in /proc/net/netstat");
    }

    private static long statusField(long pid, String name) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(
                        line.substring(name.length() + 1).replace("kB", "").strip());
            }
        }
        throw new IllegalStateException("No " + name + " in /proc/" + pid + "/status");
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running jcmd", e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path, e);
        }
    }
}
