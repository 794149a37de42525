package org.haven.gateway.channel.signal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.store.DurableFile;

/**
 * Every envelope signal-cli handed over, on local disk until it is handled. signal-cli acknowledges
 * a message to Signal's server as it hands it to Haven, so from then on Haven's copy is the only
 * one: the channel writes each envelope here as it arrives, before handling it, and deletes it once
 * it is stored (the step committed, or it is in the spool) or needs no storing (a receipt, a
 * group). A gateway killed in between finds it here at its next start and handles it then; a
 * message stored already is recognised by its id (sender and timestamp) and applied once.
 *
 * <p>Format: one file per envelope in {@code <data dir>/signal-journal/}, named by a sequence
 * number that orders them ({@code <20 digits>.env}), holding the server keyring's ciphertext of the
 * envelope's JSON as signal-cli sent it, associated data {@code haven/signal-journal}. A file is
 * written to {@code .tmp}, forced, moved into place, and the directory forced. A file that does not
 * decrypt (sealed under a server key since retired, or damaged) is renamed {@code .unreadable} and
 * counted, never replayed; the command line's server key {@code retire} first writes every file
 * anew under the primary key ({@link #rewriteUnderPrimary}). Every method does file I/O and blocks:
 * callers run it off the event loop.
 */
public final class SignalJournal {
    private static final byte[] AAD = "haven/signal-journal".getBytes(StandardCharsets.UTF_8);
    private static final String SUFFIX = ".env";

    /** One journaled envelope. */
    record Entry(long seq, JsonObject event) {}

    private final Path dir;
    private final ServerKeyring keyring;
    private final AtomicLong next;

    /** Opens (creating it, owner only) the journal directory under {@code dataDir}. */
    SignalJournal(Path dataDir, ServerKeyring keyring) throws IOException {
        this.dir = dataDir.resolve("signal-journal");
        this.keyring = keyring;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
        }
        long max = 0;
        for (long seq : sequences().keySet()) {
            max = Math.max(max, seq);
        }
        this.next = new AtomicLong(Math.max(max, System.currentTimeMillis() * 1000));
    }

    /** The next sequence number, taken in arrival order (cheap, no I/O). */
    long reserve() {
        return next.incrementAndGet();
    }

    /** Writes {@code event} durably under {@code seq} (from {@link #reserve}). */
    void append(long seq, JsonObject event) throws IOException {
        byte[] sealed;
        try {
            sealed = keyring.encrypt(event.encode().getBytes(StandardCharsets.UTF_8), AAD);
        } catch (GeneralSecurityException e) {
            throw new IOException("journal encryption failed", e);
        }
        write(dir, name(seq), sealed);
    }

    /**
     * Writes every envelope left in {@code <dataDir>/signal-journal} anew under {@code ring}'s
     * primary key (before the older keys are retired); returns how many it holds. Those that do not
     * decrypt are set aside as at replay.
     */
    public static int rewriteUnderPrimary(Path dataDir, ServerKeyring ring) throws IOException {
        if (!Files.isDirectory(dataDir.resolve("signal-journal"))) {
            return 0;
        }
        SignalJournal journal = new SignalJournal(dataDir, ring);
        List<Entry> entries = journal.read(new AtomicLong());
        for (Entry e : entries) {
            try {
                write(
                        journal.dir,
                        name(e.seq()),
                        ring.encrypt(e.event().encode().getBytes(StandardCharsets.UTF_8), AAD));
            } catch (GeneralSecurityException x) {
                throw new IOException("journal encryption failed", x);
            }
        }
        return entries.size();
    }

    /** Writes {@code bytes} to {@code dir/name} through a forced {@code .tmp} moved into place. */
    private static void write(Path dir, String name, byte[] sealed) throws IOException {
        DurableFile.replace(
                dir.resolve(name),
                ch -> {
                    ByteBuffer buf = ByteBuffer.wrap(sealed);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                });
        forceDirectory(dir);
    }

    /**
     * Deletes an envelope that is handled. Not forced: an envelope that comes back after a crash is
     * recognised as a duplicate.
     */
    void remove(long seq) throws IOException {
        Files.deleteIfExists(dir.resolve(name(seq)));
    }

    /**
     * Every envelope still here, oldest first; those that do not decrypt are set aside ({@code
     * .unreadable}) and counted in {@code unreadable}.
     */
    List<Entry> read(AtomicLong unreadable) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (var e : sequences().entrySet()) {
            try {
                byte[] plain = keyring.decrypt(Files.readAllBytes(e.getValue()), AAD);
                out.add(
                        new Entry(
                                e.getKey(),
                                new JsonObject(new String(plain, StandardCharsets.UTF_8))));
            } catch (GeneralSecurityException | DecodeException bad) {
                Files.move(
                        e.getValue(),
                        e.getValue().resolveSibling(e.getValue().getFileName() + ".unreadable"),
                        StandardCopyOption.REPLACE_EXISTING);
                unreadable.incrementAndGet();
            }
        }
        return out;
    }

    private TreeMap<Long, Path> sequences() throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                try {
                    out.put(Long.parseLong(n.substring(0, n.length() - SUFFIX.length())), f);
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        return out;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot force a directory; the file itself is forced
        }
    }

    private static String name(long seq) {
        return String.format("%020d", seq) + SUFFIX;
    }
}
