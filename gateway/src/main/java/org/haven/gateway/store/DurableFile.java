package org.haven.gateway.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file of the gateway's own (the spool, the Signal journal) replaced whole: its new content goes
 * to a {@code .tmp} beside it that only the owner may read or write, is forced to disk, and is
 * moved over the file in one step where the file system can, so that a crash leaves the old content
 * or the new, never part of it.
 */
public final class DurableFile {
    private DurableFile() {}

    /** What writes a file's new content. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole new content to {@code ch}, open for writing at its start. */
        void writeTo(FileChannel ch) throws IOException;
    }

    /**
     * Replaces {@code file} with what {@code content} writes: a {@code .tmp} left by an earlier
     * attempt is deleted, the new one created with mode 0600, written, forced, and moved over
     * {@code file} (atomically where the file system can). When writing or forcing fails the {@code
     * .tmp} is deleted and {@code file} stays as it was. The directory is not forced: a caller
     * whose move must outlive a crash forces it.
     */
    public static void replace(Path file, Content content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
                tmp,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            content.writeTo(ch);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
