package org.haven.gateway.intake;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.store.DurableFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local spool that keeps acknowledged inbound messages while PostgreSQL is unreachable. Each
 * message is appended, encrypted under the server keyring, to {@code <data dir>/spool/inbound.log}
 * and forced to disk before the channel acknowledges it; when the database answers again the
 * messages are replayed in arrival order and dropped from the log.
 *
 * <p>Every method does file I/O and blocks: callers run it off the event loop. Appends commit in
 * groups: {@link #offer} queues a record at once, and {@link #flush(Append)} writes every record
 * queued so far in one write and one {@code fsync}; a flush that finds its record already written
 * by an earlier flush returns once that one's {@code fsync} is done, and fails if that one failed
 * (the methods share one lock). So a slow disk costs one {@code fsync} per group, not per message.
 *
 * <p>Record format (version 2): the 4 bytes {@code HVS2}, a 4-byte big-endian length {@code n}, a
 * 4-byte big-endian CRC32C of the length and the sealed bytes, then {@code n} bytes of keyring
 * ciphertext of a JSON object {@code {channel, address, text, id, outbox, at, q, n}} ({@code at}:
 * arrival in epoch milliseconds; {@code q}: the question the conversation was at, when known;
 * {@code n}: its place in the contact's run of spooled messages), associated data {@code
 * haven/spool}. A file that does not start with the magic is of version 1 (a 4-byte length, then
 * the ciphertext, without magic or CRC): it is read, and rewritten as version 2 before the first
 * append.
 *
 * <p>A full disk: an append that fails (ENOSPC, EIO) truncates the file back to its length before
 * the append and fails, so its messages are not acknowledged; if even the truncation fails, the
 * next append truncates first. A reader that meets bytes that are not a whole record with a right
 * CRC resynchronises at the next magic that starts one. An incomplete record at the very end of the
 * file (a crash while appending: never acknowledged) is cut off when the spool opens. Anything else
 * that cannot be replayed (a damaged region, or a record with a right CRC that does not decrypt or
 * parse, such as one sealed under a server key this gateway no longer has) is quarantined: copied,
 * as it was and still encrypted, to {@code inbound.quarantine} next to the log and forced, then
 * removed from the log, counted ({@link #quarantined()}) and logged with a count only; the rest
 * replays. Quarantine entries: the 4 bytes {@code HVQ1}, an 8-byte epoch-millisecond time, a 4-byte
 * length, the bytes. Opening the spool never fails on its contents.
 */
public final class Spool {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final byte[] AAD = "haven/spool".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MAGIC = {'H', 'V', 'S', '2'};
    private static final byte[] QUARANTINE_MAGIC = {'H', 'V', 'Q', '1'};
    private static final int HEADER = 12;
    private static final int MAX_RECORD = 64 * 1024;

    /** How bytes reach a file; a test's seam for a disk that fills up mid-write. */
    interface Disk {
        Disk REAL =
                (ch, buf) -> {
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                };

        void write(FileChannel ch, ByteBuffer buf) throws IOException;
    }

    /** One offered message, until its flush: written, or failed with the reason. */
    public static final class Append {
        private final byte[] bytes;
        private volatile boolean done;
        private volatile IOException failure;

        private Append(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * One region of the log: a record (its message, or null when it cannot be replayed) or damaged
     * bytes.
     */
    private record Entry(int start, int end, Inbound message) {}

    private final Path file;
    private final Path quarantine;
    private final ServerKeyring keyring;
    private final Disk disk;
    private final ConcurrentLinkedQueue<Append> unwritten = new ConcurrentLinkedQueue<>();
    private int pending;
    private volatile int quarantinedCount;

    /** The file is of version 1 and must be rewritten before anything is appended. */
    private boolean legacy;

    /**
     * The length to cut the file back to before the next append (a failed append whose truncation
     * failed), or -1.
     */
    private long tornAt = -1;

    public Spool(Path dataDir, ServerKeyring keyring) throws IOException {
        this(dataDir, keyring, Disk.REAL);
    }

    Spool(Path dataDir, ServerKeyring keyring, Disk disk) throws IOException {
        this.file = dataDir.resolve("spool").resolve("inbound.log");
        this.quarantine = file.resolveSibling("inbound.quarantine");
        this.keyring = keyring;
        this.disk = disk;
        Files.createDirectories(file.getParent());
        this.quarantinedCount = countQuarantined();
        try {
            cutTornTail();
            this.pending = read().size();
        } catch (IOException e) {
            // the gateway starts anyway; the replay reports the spool unreadable
            LOG.error("event=spool_unreadable kind={}", e.getClass().getSimpleName());
            this.pending = 0;
        }
    }

    /** How many messages wait for the database (written or about to be). */
    public synchronized int pending() {
        return pending + unwritten.size();
    }

    /** How many damaged regions or unreadable records the quarantine file holds. */
    public int quarantined() {
        return quarantinedCount;
    }

    /** Queues one message for the next flush; cheap, no I/O (the encryption happens here). */
    public Append offer(Inbound in) throws IOException {
        Append a = new Append(frame(seal(in)));
        unwritten.add(a);
        return a;
    }

    private byte[] seal(Inbound in) throws IOException {
        JsonObject doc =
                new JsonObject()
                        .put("channel", in.channel())
                        .put("address", in.address())
                        .put("text", in.text())
                        .put("id", in.messageId().orElse(null))
                        .put("outbox", in.replyViaOutbox());
        in.spooled()
                .ifPresent(
                        sp ->
                                doc.put("at", sp.arrivedAtMillis())
                                        .put("q", sp.question())
                                        .put("n", sp.run()));
        try {
            return keyring.encrypt(doc.encode().getBytes(StandardCharsets.UTF_8), AAD);
        } catch (GeneralSecurityException e) {
            throw new IOException("spool encryption failed", e);
        }
    }

    private static byte[] frame(byte[] sealed) {
        return ByteBuffer.allocate(HEADER + sealed.length)
                .put(MAGIC)
                .putInt(sealed.length)
                .putInt(crc(sealed.length, sealed, 0, sealed.length))
                .put(sealed)
                .array();
    }

    private static int crc(int length, byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(4).putInt(length).array());
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * Writes every queued record (the given one among them, unless an earlier flush wrote it) in
     * one append and forces it to disk; when this returns, {@code mine} is on disk and may be
     * acknowledged. Throws when its append failed: then it is not in the file.
     */
    public void flush(Append mine) throws IOException {
        synchronized (this) {
            if (!mine.done) {
                flushLocked();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Writes every queued record in one append and forces it; throws when that append failed. */
    public synchronized void flush() throws IOException {
        flushLocked();
    }

    private void flushLocked() throws IOException {
        List<Append> batch = new ArrayList<>();
        for (Append a; (a = unwritten.poll()) != null; ) {
            batch.add(a);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            append(batch);
            pending += batch.size();
        } catch (IOException e) {
            batch.forEach(a -> a.failure = e);
            throw e;
        } finally {
            batch.forEach(a -> a.done = true);
        }
    }

    private void append(List<Append> batch) throws IOException {
        if (legacy) {
            rewrite(
                    entries(),
                    false); // to version 2 first: no record of version 2 behind one of version 1
        }
        int size = batch.stream().mapToInt(a -> a.bytes.length).sum();
        ByteBuffer buf = ByteBuffer.allocate(size);
        batch.forEach(a -> buf.put(a.bytes));
        buf.flip();
        if (!Files.exists(file)) {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (tornAt >= 0) {
                ch.truncate(tornAt);
                ch.force(true);
                tornAt = -1;
            }
            appendUndoable(ch, buf, at -> tornAt = at);
        }
    }

    /**
     * Appends at the end and forces; on failure cuts the file back to its length before, so it is
     * as it was, and throws. When even the cut fails, {@code uncut} gets the length to cut back to.
     */
    private void appendUndoable(FileChannel ch, ByteBuffer buf, LongConsumer uncut)
            throws IOException {
        long before = ch.size();
        ch.position(before);
        try {
            disk.write(ch, buf);
            ch.force(true);
        } catch (IOException e) {
            try {
                ch.truncate(before);
                ch.force(true);
            } catch (IOException again) {
                uncut.accept(before);
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Every spooled message that can be replayed, oldest first; what cannot is quarantined first.
     */
    public synchronized List<Inbound> read() throws IOException {
        List<Entry> entries = entries();
        if (entries.stream().anyMatch(e -> e.message() == null)) {
            try {
                entries = quarantineAndRemove(entries);
            } catch (IOException e) {
                // no room to move them out (a full disk): they stay in the log, skipped, and are
                // tried again next time
                LOG.error("event=spool_quarantine_failed kind={}", e.getClass().getSimpleName());
            }
        }
        List<Inbound> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.message() != null) {
                out.add(e.message());
            }
        }
        return out;
    }

    /**
     * Writes every record anew under the keyring's primary key (after a rotation added one), in one
     * step as {@link #dropFirst} does; returns how many records it holds.
     */
    public synchronized int rewriteUnderPrimary() throws IOException {
        List<Entry> entries = entries();
        rewrite(entries, true);
        pending = (int) entries.stream().filter(e -> e.message() != null).count();
        return pending;
    }

    /**
     * Drops the first {@code n} messages (they were replayed): the rest is written to a new file,
     * forced, and moved over the old one in one step, so a crash leaves either log whole. Damaged
     * regions among the dropped are kept (they go to the quarantine, never away); a log left with
     * nothing is cut to nothing in place, which needs no free space.
     */
    public synchronized void dropFirst(int n) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<Entry> entries = entries();
        List<Entry> rest = new ArrayList<>();
        int dropped = 0;
        for (Entry e : entries) {
            if (e.message() != null && dropped < n) {
                dropped++;
            } else {
                rest.add(e);
            }
        }
        if (rest.isEmpty()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.force(true);
            }
            legacy = false;
        } else {
            rewrite(rest, false);
        }
        pending = Math.max(0, pending - dropped);
    }

    /**
     * The log's regions in order. A region that is not a whole record with a right CRC runs to the
     * next magic that starts one (or to the end), and is damaged; a record whose bytes do not
     * decrypt or parse has no message. An incomplete record at the end is left out (see {@link
     * #cutTornTail}).
     */
    private List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            legacy = false;
            return out;
        }
        byte[] all = Files.readAllBytes(file);
        legacy = all.length > 0 && !startsWithMagic(all, 0);
        if (legacy) {
            int p = 0;
            while (all.length - p >= 4) {
                int len = ByteBuffer.wrap(all, p, 4).getInt();
                if (len <= 0 || len > MAX_RECORD) {
                    out.add(
                            new Entry(
                                    p,
                                    all.length,
                                    null)); // unframed from here on: all of it is damaged
                    return out;
                }
                if (len > all.length - p - 4) {
                    return out; // a torn tail
                }
                out.add(
                        new Entry(
                                p, p + 4 + len, open(Arrays.copyOfRange(all, p + 4, p + 4 + len))));
                p += 4 + len;
            }
            return out;
        }
        int p = 0;
        while (p < all.length) {
            int end = recordAt(all, p);
            if (end > 0) {
                out.add(new Entry(p, end, open(Arrays.copyOfRange(all, p + HEADER, end))));
                p = end;
                continue;
            }
            int next = p + 1;
            while (next < all.length && recordAt(all, next) <= 0) {
                next++;
            }
            if (next == all.length && tornFrom(all, p)) {
                return out;
            }
            out.add(new Entry(p, next, null));
            p = next;
        }
        return out;
    }

    /**
     * The end of a whole record with a right CRC at {@code p}; 0 when one starts there but runs
     * past the end; -1 when none does.
     */
    private static int recordAt(byte[] all, int p) {
        if (!startsWithMagic(all, p)) {
            return -1;
        }
        if (all.length - p < HEADER) {
            return 0;
        }
        ByteBuffer h = ByteBuffer.wrap(all, p + 4, 8);
        int len = h.getInt();
        int crc = h.getInt();
        if (len <= 0 || len > MAX_RECORD) {
            return -1;
        }
        if (len > all.length - p - HEADER) {
            return 0;
        }
        return crc(len, all, p + HEADER, len) == crc ? p + HEADER + len : -1;
    }

    /**
     * Whether the bytes from {@code p} to the end are an incomplete record (an append cut short),
     * not damage.
     */
    private static boolean tornFrom(byte[] all, int p) {
        int left = all.length - p;
        if (left < 4) {
            return Arrays.equals(all, p, all.length, MAGIC, 0, left);
        }
        if (!startsWithMagic(all, p)) {
            return false;
        }
        if (left < HEADER) {
            return true;
        }
        int len = ByteBuffer.wrap(all, p + 4, 4).getInt();
        return len > 0 && len <= MAX_RECORD && len > left - HEADER;
    }

    private static boolean startsWithMagic(byte[] all, int p) {
        return all.length - p >= 4 && Arrays.equals(all, p, p + 4, MAGIC, 0, 4);
    }

    /** The message a record's sealed bytes hold, or null when they do not decrypt or parse. */
    private Inbound open(byte[] sealed) {
        try {
            JsonObject doc =
                    new JsonObject(
                            new String(keyring.decrypt(sealed, AAD), StandardCharsets.UTF_8));
            Inbound in =
                    new Inbound(
                            doc.getString("channel"),
                            doc.getString("address"),
                            doc.getString("text"),
                            Optional.ofNullable(doc.getString("id")),
                            doc.getBoolean("outbox", true));
            if (in.channel() == null || in.address() == null || in.text() == null) {
                return null;
            }
            // records from before version 29 carry no arrival: replayed as before
            return doc.containsKey("at")
                    ? in.spooled(doc.getLong("at"), doc.getString("q"), doc.getInteger("n", 0))
                    : in;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Cuts off an incomplete record at the end of the log (never acknowledged), so that appends do
     * not land behind it.
     */
    private void cutTornTail() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<Entry> entries = entries();
        long end = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).end();
        long size = Files.size(file);
        if (end < size && !legacy) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
            LOG.warn("event=spool_torn_tail_cut bytes={}", size - end);
        }
    }

    /**
     * Copies the entries without a message to the quarantine, forced, then writes the log without
     * them.
     */
    private List<Entry> quarantineAndRemove(List<Entry> entries) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<Entry> bad = entries.stream().filter(e -> e.message() == null).toList();
        int size = bad.stream().mapToInt(e -> 16 + e.end() - e.start()).sum();
        ByteBuffer buf = ByteBuffer.allocate(size);
        long now = System.currentTimeMillis();
        for (Entry e : bad) {
            buf.put(QUARANTINE_MAGIC)
                    .putLong(now)
                    .putInt(e.end() - e.start())
                    .put(all, e.start(), e.end() - e.start());
        }
        buf.flip();
        if (!Files.exists(quarantine)) {
            Files.createFile(
                    quarantine,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(quarantine, StandardOpenOption.WRITE)) {
            // the bad records stay in the log when this fails, and are moved out at a later read
            appendUndoable(ch, buf, at -> {});
        }
        quarantinedCount += bad.size();
        LOG.error("event=spool_quarantined count={} total={}", bad.size(), quarantinedCount);
        rewrite(all, entries.stream().filter(e -> e.message() != null).toList(), false);
        return entries();
    }

    private void rewrite(List<Entry> entries, boolean reseal) throws IOException {
        rewrite(Files.exists(file) ? Files.readAllBytes(file) : new byte[0], entries, reseal);
    }

    /**
     * Writes {@code entries} of {@code all} (the log's bytes) to a new file in version 2, resealed
     * under the primary key when asked, forces it, and moves it over the log in one step.
     */
    private void rewrite(byte[] all, List<Entry> entries, boolean reseal) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        for (Entry e : entries) {
            if (e.message() == null) {
                parts.add(
                        Arrays.copyOfRange(
                                all, e.start(),
                                e.end())); // damaged: kept as it was until quarantined
            } else if (reseal) {
                parts.add(frame(seal(e.message())));
            } else if (legacy) {
                parts.add(frame(Arrays.copyOfRange(all, e.start() + 4, e.end())));
            } else {
                parts.add(Arrays.copyOfRange(all, e.start(), e.end()));
            }
        }
        replaceWith(parts);
        legacy = false;
    }

    /** Writes {@code parts} to a new file, forces it, and moves it over the log in one step. */
    private void replaceWith(List<byte[]> parts) throws IOException {
        DurableFile.replace(
                file,
                ch -> {
                    for (byte[] part : parts) {
                        disk.write(ch, ByteBuffer.wrap(part));
                    }
                });
    }

    /**
     * How many entries the quarantine file holds (a damaged quarantine file counts its readable
     * entries, plus one).
     */
    private int countQuarantined() {
        if (!Files.exists(quarantine)) {
            return 0;
        }
        try {
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(quarantine));
            int n = 0;
            while (all.remaining() >= 16) {
                byte[] magic = new byte[4];
                all.get(magic);
                all.getLong();
                int len = all.getInt();
                if (!Arrays.equals(magic, QUARANTINE_MAGIC) || len < 0 || len > all.remaining()) {
                    return n + 1;
                }
                all.position(all.position() + len);
                n++;
            }
            return all.hasRemaining() ? n + 1 : n;
        } catch (IOException e) {
            LOG.error("event=spool_quarantine_unreadable kind={}", e.getClass().getSimpleName());
            return 1;
        }
    }
}
