package org.haven.gateway.intake;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.haven.crypto.ServerKeyring;

/**
 * The local spool that keeps acknowledged inbound messages while PostgreSQL is unreachable.
 * Each message is appended, encrypted under the server keyring, to {@code <data dir>/spool/inbound.log}
 * and forced to disk before the channel acknowledges it; when the database answers again the
 * messages are replayed in arrival order and dropped from the log.
 *
 * <p>Every method does file I/O and blocks: callers run it off the event loop. Appends commit in
 * groups: {@link #offer} queues a record at once, and {@link #flush} writes every record queued
 * so far in one write and one {@code fsync}; a flush that finds its record already written by an
 * earlier flush returns once that one's {@code fsync} is done (the methods share one lock). So a
 * slow disk costs one {@code fsync} per group, not per message.
 *
 * <p>Record format: a 4-byte big-endian length, then that many bytes of keyring ciphertext of a
 * JSON object {@code {channel, address, text, id, outbox, at, q, n}} ({@code at}: arrival in epoch
 * milliseconds; {@code q}: the question the conversation was at, when known; {@code n}: its
 * place in the contact's run of spooled messages), associated data
 * {@code haven/spool}. A
 * record cut short by a crash is ignored (it was never acknowledged).
 */
public final class Spool {
    private static final byte[] AAD = "haven/spool".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_RECORD = 64 * 1024;

    private final Path file;
    private final ServerKeyring keyring;
    private final ConcurrentLinkedQueue<byte[]> unwritten = new ConcurrentLinkedQueue<>();
    private int pending;

    public Spool(Path dataDir, ServerKeyring keyring) throws IOException {
        this.file = dataDir.resolve("spool").resolve("inbound.log");
        this.keyring = keyring;
        Files.createDirectories(file.getParent());
        this.pending = Files.exists(file) ? read().size() : 0;
    }

    /** How many messages wait for the database (written or about to be). */
    public synchronized int pending() {
        return pending + unwritten.size();
    }

    /** Queues one message for the next {@link #flush}; cheap, no I/O (the encryption happens here). */
    public void offer(Inbound in) throws IOException {
        unwritten.add(record(in));
    }

    private byte[] record(Inbound in) throws IOException {
        JsonObject doc = new JsonObject().put("channel", in.channel()).put("address", in.address()).put("text", in.text())
                .put("id", in.messageId().orElse(null)).put("outbox", in.replyViaOutbox());
        in.spooled().ifPresent(sp -> doc.put("at", sp.arrivedAtMillis()).put("q", sp.question()).put("n", sp.run()));
        byte[] sealed;
        try {
            sealed = keyring.encrypt(doc.encode().getBytes(StandardCharsets.UTF_8), AAD);
        } catch (GeneralSecurityException e) {
            throw new IOException("spool encryption failed", e);
        }
        return ByteBuffer.allocate(4 + sealed.length).putInt(sealed.length).put(sealed).array();
    }

    /**
     * Writes every queued record in one append and forces it to disk; when this returns, every
     * record {@link #offer}ed before the call is on disk and may be acknowledged.
     */
    public synchronized void flush() throws IOException {
        List<byte[]> batch = new ArrayList<>();
        for (byte[] r; (r = unwritten.poll()) != null; ) {
            batch.add(r);
        }
        if (batch.isEmpty()) {
            return;
        }
        int size = batch.stream().mapToInt(b -> b.length).sum();
        ByteBuffer buf = ByteBuffer.allocate(size);
        batch.forEach(buf::put);
        buf.flip();
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        pending += batch.size();
    }

    /** Every spooled message on disk, oldest first. */
    public synchronized List<Inbound> read() throws IOException {
        List<Inbound> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        while (all.remaining() >= 4) {
            int len = all.getInt();
            if (len <= 0 || len > MAX_RECORD || len > all.remaining()) {
                break; // a torn tail after a crash: never acknowledged
            }
            byte[] sealed = new byte[len];
            all.get(sealed);
            try {
                JsonObject doc = new JsonObject(new String(keyring.decrypt(sealed, AAD), StandardCharsets.UTF_8));
                Inbound in = new Inbound(doc.getString("channel"), doc.getString("address"), doc.getString("text"),
                        Optional.ofNullable(doc.getString("id")), doc.getBoolean("outbox", true));
                // records from before version 29 carry no arrival: replayed as before
                out.add(doc.containsKey("at") ? in.spooled(doc.getLong("at"), doc.getString("q"), doc.getInteger("n", 0)) : in);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("spool record unreadable", e);
            }
        }
        return out;
    }

    /**
     * Writes every record anew under the keyring's primary key (after a rotation added one), in
     * one step as {@link #dropFirst} does; returns how many records it holds.
     */
    public synchronized int rewriteUnderPrimary() throws IOException {
        List<Inbound> all = read();
        List<byte[]> records = new ArrayList<>(all.size());
        for (Inbound in : all) {
            records.add(record(in));
        }
        replaceWith(records);
        pending = records.size();
        return records.size();
    }

    /**
     * Drops the first {@code n} messages (they were replayed): the rest is written to a new file,
     * forced, and moved over the old one in one step, so a crash leaves either log whole.
     */
    public synchronized void dropFirst(int n) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        int dropped = 0;
        while (dropped < n && all.remaining() >= 4) {
            int len = all.getInt();
            if (len <= 0 || len > MAX_RECORD || len > all.remaining()) {
                all.position(all.limit());
                break;
            }
            all.position(all.position() + len);
            dropped++;
        }
        byte[] rest = new byte[all.remaining()];
        all.get(rest);
        replaceWith(List.of(rest));
        pending = Math.max(0, pending - dropped);
    }

    /** Writes {@code parts} to a new file, forces it, and moves it over the log in one step. */
    private void replaceWith(List<byte[]> parts) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            for (byte[] part : parts) {
                ByteBuffer buf = ByteBuffer.wrap(part);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
