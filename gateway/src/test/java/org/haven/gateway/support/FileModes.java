package org.haven.gateway.support;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the modes of a tree of files allow the host's other users. */
public final class FileModes {
    private FileModes() {}

    /**
     * Every file and directory under {@code root} (symbolic links aside) that group or others may
     * write.
     */
    public static List<String> writableByOthers(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : files(root)) {
            try {
                Set<PosixFilePermission> perms =
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.contains(PosixFilePermission.GROUP_WRITE)
                        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                    found.add(root.relativize(p) + " " + PosixFilePermissions.toString(perms));
                }
            } catch (NoSuchFileException gone) {
                // removed meanwhile
            }
        }
        return found;
    }

    /**
     * {@code root} and every directory and file under it (not symbolic links), as found while
     * PostgreSQL may be adding and removing temporary files.
     */
    public static List<Path> files(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        found.add(dir);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isSymbolicLink()) {
                            found.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE; // removed meanwhile
                        }
                        throw e;
                    }
                });
        return found;
    }
}
