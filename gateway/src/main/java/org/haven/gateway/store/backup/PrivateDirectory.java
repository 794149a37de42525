package org.haven.gateway.store.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The directory a backup is written into: mode {@code 0700}, its files {@code 0600}, whatever the
 * umask. A directory that exists already must be empty, and is tightened to {@code 0700} (an empty
 * directory holds nothing yet that its old mode exposed). Each file is written under a temporary
 * name ({@code .<name>.partial}), forced to disk and renamed when complete; if the backup fails,
 * {@link #discard()} removes everything it wrote (and the directory, if it made it), so no file
 * that looks complete is left behind.
 */
final class PrivateDirectory {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /** What writes a file's content (it must not close the stream). */
    interface Content {
        void writeTo(OutputStream out) throws IOException, SQLException;
    }

    private final Path dir;
    private final boolean created;
    private final UnaryOperator<OutputStream> disk;
    private final List<Path> written = new ArrayList<>();

    private PrivateDirectory(Path dir, boolean created, UnaryOperator<OutputStream> disk) {
        this.dir = dir;
        this.created = created;
        this.disk = disk;
    }

    /**
     * Creates {@code dir} (its parents as the umask says), or takes an existing empty one.
     *
     * @param disk wraps each file's stream (tests: a disk that fills up)
     */
    static PrivateDirectory create(Path dir, UnaryOperator<OutputStream> disk) throws IOException {
        boolean created = false;
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new BackupException(
                            dir + " is not empty: give a new or an empty directory");
                }
            }
        } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(dir + " exists and is not a directory");
        } else {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            created = true;
        }
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return new PrivateDirectory(dir, created, disk);
    }

    /** Writes {@code name} (0600) under a temporary name, and renames it once it is on disk. */
    void write(String name, Content content) throws IOException, SQLException {
        Path partial = dir.resolve("." + name + ".partial");
        written.add(partial);
        try (FileChannel ch =
                FileChannel.open(
                        partial,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(FILE))) {
            Files.setPosixFilePermissions(partial, FILE);
            OutputStream out = disk.apply(Channels.newOutputStream(ch));
            content.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // a write's own error (ENOSPC, EIO) names no file: name the backup
            FileSystemException named =
                    new FileSystemException(dir.toString(), null, e.getMessage());
            named.initCause(e);
            throw named;
        }
        Path file = dir.resolve(name);
        written.add(file);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Forces the directory's entries (the renames) to disk. */
    void sync() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Removes what was written, and the directory if this made it; never throws (a failure is being
     * reported).
     */
    void discard() {
        for (int i = written.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(written.get(i));
            } catch (IOException ignored) {
                // the original failure is what the operator needs to hear
            }
        }
        if (created) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // as above
            }
        }
    }
}
