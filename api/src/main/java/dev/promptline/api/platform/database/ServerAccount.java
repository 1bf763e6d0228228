package dev.promptline.api.platform.database;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The operating-system account the embedded PostgreSQL runs under. PostgreSQL refuses to run as root, and containers, CI
 * runners and cloud VMs often start services as root: then the server runs as an unprivileged system account (created
 * when missing), and its data and binaries belong to that account alone. As any other user, it runs as that user.
 */
final class ServerAccount {
    private final @Nullable String switchTo;

    private ServerAccount(@Nullable String switchTo) {
        this.switchTo = switchTo;
    }

    /** The current user, or {@code name} (created when missing) when the current user is root. */
    static ServerAccount forCurrentUser(String name) throws IOException {
        if (!isRoot()) {
            return new ServerAccount(null);
        }
        if (!exists(name)) {
            create(name);
        }
        return new ServerAccount(name);
    }

    static boolean isRoot() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && new UnixSystem().getUid() == 0;
    }

    /** Whether the server runs under another account than this process. */
    boolean switches() {
        return switchTo != null;
    }

    String name() {
        return switchTo == null ? System.getProperty("user.name", "the current user") : switchTo;
    }

    /** The command, run as this account. */
    List<String> command(List<String> command) {
        if (switchTo == null) {
            return command;
        }
        var wrapped =
                new ArrayList<>(List.of("setpriv", "--reuid=" + switchTo, "--regid=" + switchTo, "--init-groups"));
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** Creates {@code directory} if needed and makes it this account's alone (mode 0700). */
    void own(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        give(directory);
    }

    /** Makes this account the owner of {@code path} (a link itself, not its target). */
    void give(Path path) throws IOException {
        if (switchTo != null) {
            var lookup = path.getFileSystem().getUserPrincipalLookupService();
            var view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            view.setOwner(lookup.lookupPrincipalByName(switchTo));
            view.setGroup(lookup.lookupPrincipalByGroupName(switchTo));
        }
    }

    /** Whether this account can enter {@code directory}: as root, a parent folder private to root stops it. */
    boolean canEnter(Path directory) throws IOException {
        if (switchTo == null) {
            return true;
        }
        return run(command(List.of("test", "-x", directory.toString()))) == 0;
    }

    private static boolean exists(String name) throws IOException {
        return run(List.of("id", "-u", name)) == 0;
    }

    private static void create(String name) throws IOException {
        int exit = run(List.of(
                "useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name));
        if (exit != 0 && !exists(name)) {
            throw new IOException("Could not create the system account '" + name
                    + "' for the embedded PostgreSQL (useradd exited " + exit + "). Create it, or set "
                    + "EMBEDDED_DATABASE_ACCOUNT to an existing unprivileged account");
        }
    }

    private static int run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("Timed out: " + String.join(" ", command));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
