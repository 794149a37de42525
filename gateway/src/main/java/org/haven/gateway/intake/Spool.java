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
import java.util.List;
import java.util.Optional;
import org.haven.crypto.ServerKeyring;

/**
 * The local spool that keeps acknowledged inbound messages while PostgreSQL is unreachable.
 * Each message is appended, encrypted under the server keyring, to {@code <data dir>/spool/inbound.log}
 * and forced to disk before the channel acknowledges it; when the database answers again the
 * messages are replayed in arrival order and the log is cleared.
 *
 * <p>Record format: a 4-byte big-endian length, then that many bytes of keyring ciphertext of a
 * JSON object {@code {channel, address, text, id}}, associated data {@code haven/spool}. A record
 * cut short by a crash is ignored (it was never acknowledged).
 */
public final class Spool {
    private static final byte[] AAD = "haven/spool".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_RECORD = 64 * 1024;

    private final Path file;
    private final ServerKeyring keyring;
    private int pending;

    public Spool(Path dataDir, ServerKeyring keyring) throws IOException {
        this.file = dataDir.resolve("spool").resolve("inbound.log");
        this.keyring = keyring;
        Files.createDirectories(file.getParent());
        this.pending = Files.exists(file) ? read().size() : 0;
    }

    /** How many messages wait for the database. */
    public synchronized int pending() {
        return pending;
    }

    /** Appends one message and forces it to disk; only then may the channel acknowledge it. */
    public synchronized void append(Inbound in) throws IOException {
        JsonObject doc = new JsonObject().put("channel", in.channel()).put("address", in.address()).put("text", in.text())
                .put("id", in.messageId().orElse(null)).put("outbox", in.replyViaOutbox());
        byte[] sealed;
        try {
            sealed = keyring.encrypt(doc.encode().getBytes(StandardCharsets.UTF_8), AAD);
        } catch (GeneralSecurityException e) {
            throw new IOException("spool encryption failed", e);
        }
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(4 + sealed.length).putInt(sealed.length).put(sealed);
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        pending++;
    }

    /** Every spooled message, oldest first. */
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
                out.add(new Inbound(doc.getString("channel"), doc.getString("address"), doc.getString("text"),
                        Optional.ofNullable(doc.getString("id")), doc.getBoolean("outbox", true)));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("spool record unreadable", e);
            }
        }
        return out;
    }

    /** Drops the first {@code n} messages (they were replayed). */
    public synchronized void dropFirst(int n) throws IOException {
        List<Inbound> all = read();
        Files.deleteIfExists(file);
        pending = 0;
        for (Inbound in : all.subList(Math.min(n, all.size()), all.size())) {
            append(in);
        }
    }
}
