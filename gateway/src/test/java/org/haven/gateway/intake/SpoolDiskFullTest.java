package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.Haven;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a full disk (issue 17): a failed append leaves the file as it was and is not
 * acknowledged; a torn or undecryptable record is quarantined and the rest replays; a file of
 * version 1 is still read; a gateway starts with a damaged spool and reports it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpoolDiskFullTest {

    /**
     * A disk with {@code room} bytes left: a write past it writes what fits, then fails as ENOSPC
     * does.
     */
    static final class FillingDisk implements Spool.Disk {
        final AtomicLong room = new AtomicLong(Long.MAX_VALUE);

        @Override
        public void write(FileChannel ch, ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                long left = room.get();
                if (left <= 0) {
                    throw new IOException("No space left on device");
                }
                ByteBuffer part = buf.slice();
                part.limit((int) Math.min(part.remaining(), left));
                int n = ch.write(part);
                buf.position(buf.position() + n);
                room.addAndGet(-n);
            }
        }
    }

    /**
     * Verifies that an append refused mid-write (ENOSPC after part of the record is written) leaves
     * the file byte for byte as it was and fails every message of its group, so none is
     * acknowledged; and that once there is room again, later appends land and everything
     * acknowledged reads back in order (before, the torn record stopped the reader for good).
     */
    @Test
    void testAFailedAppendLeavesTheFileAsItWasAndLaterAppendsReplay(@TempDir Path dir)
            throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        FillingDisk disk = new FillingDisk();
        Spool spool = new Spool(dir, keyring, disk);
        for (int i = 0; i < 3; i++) {
            spool.flush(spool.offer(message("m" + i)));
        }
        byte[] before = Files.readAllBytes(file(dir));

        disk.room.set(30); // the header and a little of the next record fit, then the disk is full
        Spool.Append a = spool.offer(message("lost-a"));
        Spool.Append b = spool.offer(message("lost-b"));
        assertThrows(IOException.class, () -> spool.flush(a));
        assertThrows(
                IOException.class,
                () -> spool.flush(b),
                "a record of the failed group was reported written");
        assertArrayEquals(
                before, Files.readAllBytes(file(dir)), "the failed append left bytes behind");
        assertEquals(3, spool.pending());

        disk.room.set(Long.MAX_VALUE);
        spool.flush(spool.offer(message("m3")));
        spool.flush(spool.offer(message("m4")));
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), texts(new Spool(dir, keyring).read()));
        assertEquals(0, new Spool(dir, keyring).quarantined());
    }

    /**
     * Verifies the same through the replay: a message refused by the full disk fails its future
     * (the channel does not acknowledge it), and the messages acknowledged before and after it are
     * all replayed, in order, and the spool empties.
     */
    @Test
    void testNothingAcknowledgedIsLostThroughTheReplay(@TempDir Path dir) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        FillingDisk disk = new FillingDisk();
        Spool spool = new Spool(dir, keyring, disk);
        Vertx vertx = Vertx.vertx();
        try {
            List<String> replayed = new CopyOnWriteArrayList<>();
            boolean[] databaseUp = {false};
            SpoolReplay replay =
                    new SpoolReplay(
                            spool,
                            vertx,
                            in -> {
                                if (!databaseUp[0]) {
                                    return Future.failedFuture(
                                            new IllegalStateException("database down"));
                                }
                                replayed.add(in.text());
                                return Future.succeededFuture();
                            });
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            for (String text : List.of("m0", "m1")) {
                replay.append(message(text))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                acknowledged.add(text);
            }
            disk.room.set(7);
            assertTrue(
                    replay.append(message("refused"))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .handle((v, e) -> e != null)
                            .get(10, TimeUnit.SECONDS),
                    "a message the disk refused was acknowledged");
            disk.room.set(Long.MAX_VALUE);
            for (String text : List.of("m2", "m3")) {
                replay.append(message(text))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                acknowledged.add(text);
            }
            databaseUp[0] = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (replay.pending() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, replay.pending());
            assertEquals(acknowledged, replayed);
            assertFalse(replay.unreadable());
            replay.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Verifies that a torn record in the middle of the file (half a record, as the old append left
     * on a full disk, followed by whole ones) and a run of garbage are each quarantined, kept byte
     * for byte in the quarantine file, counted (also after a restart), and that every record around
     * them is read in order and can be dropped after its replay.
     */
    @Test
    void testATornRecordInTheMiddleIsQuarantinedAndTheRestReplays(
            @TempDir Path dir, @TempDir Path other) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        spool.flush(spool.offer(message("m0")));
        spool.flush(spool.offer(message("m1")));
        byte[] torn = Arrays.copyOf(records(other, keyring, "torn"), 40);
        byte[] garbage = "HVS2\0\0\0\7not a record at all".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file(dir), torn, StandardOpenOption.APPEND);
        Files.write(file(dir), records(other, keyring, "m2", "m3"), StandardOpenOption.APPEND);
        Files.write(file(dir), garbage, StandardOpenOption.APPEND);
        Files.write(file(dir), records(other, keyring, "m4"), StandardOpenOption.APPEND);

        Spool reopened = new Spool(dir, keyring);
        assertEquals(5, reopened.pending());
        assertEquals(2, reopened.quarantined());
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), texts(reopened.read()));
        byte[] kept = Files.readAllBytes(dir.resolve("spool").resolve("inbound.quarantine"));
        assertTrue(
                contains(kept, torn) && contains(kept, garbage),
                "a quarantined region was not kept as it was");
        reopened.flush(reopened.offer(message("m5")));
        reopened.dropFirst(3);
        assertEquals(List.of("m3", "m4", "m5"), texts(reopened.read()));
        reopened.dropFirst(3);
        assertEquals(0, Files.size(file(dir)));
        assertEquals(
                2, new Spool(dir, keyring).quarantined(), "the count did not survive a restart");
    }

    /**
     * Verifies that a torn record whose stated length runs past the end of the file is still
     * damage, not a torn tail, when a whole record follows it: the record after it is read.
     */
    @Test
    void testATornLongRecordBeforeAShortOneDoesNotHideIt(@TempDir Path dir, @TempDir Path other)
            throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        spool.flush(spool.offer(message("m0")));
        Files.write(
                file(dir),
                Arrays.copyOf(records(other, keyring, "x".repeat(2000)), 60),
                StandardOpenOption.APPEND);
        Files.write(file(dir), records(other, keyring, "m1"), StandardOpenOption.APPEND);
        Spool reopened = new Spool(dir, keyring);
        assertEquals(List.of("m0", "m1"), texts(reopened.read()));
        assertEquals(1, reopened.quarantined());
    }

    /**
     * Verifies that a record with a right CRC that does not decrypt (another server key) is
     * quarantined, not a blockage.
     */
    @Test
    void testARecordThatDoesNotDecryptIsQuarantined(@TempDir Path dir, @TempDir Path other)
            throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        spool.flush(spool.offer(message("m0")));
        Files.write(
                file(dir),
                records(other, ServerKeyring.generate(), "foreign"),
                StandardOpenOption.APPEND);
        Files.write(file(dir), records(other, keyring, "m1"), StandardOpenOption.APPEND);
        Spool reopened = new Spool(dir, keyring);
        assertEquals(List.of("m0", "m1"), texts(reopened.read()));
        assertEquals(1, reopened.quarantined());
    }

    /**
     * Verifies that a record cut short at the very end (a crash mid-append: never acknowledged) is
     * cut off at open, not quarantined, so that the next append does not land behind it.
     */
    @Test
    void testATornTailIsCutOffAtOpen(@TempDir Path dir, @TempDir Path other) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        spool.flush(spool.offer(message("m0")));
        Files.write(
                file(dir),
                Arrays.copyOf(records(other, keyring, "torn"), 30),
                StandardOpenOption.APPEND);
        Spool reopened = new Spool(dir, keyring);
        reopened.flush(reopened.offer(message("m1")));
        assertEquals(List.of("m0", "m1"), texts(new Spool(dir, keyring).read()));
        assertEquals(0, reopened.quarantined());
    }

    /**
     * Verifies that a spool of version 1 (length and ciphertext, no magic) is read, and appended to
     * as version 2 after it.
     */
    @Test
    void testAVersion1SpoolIsReadAndMigrated(@TempDir Path dir) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Files.createDirectories(file(dir).getParent());
        ByteBuffer old = ByteBuffer.allocate(4096);
        for (String text : List.of("old0", "old1")) {
            byte[] sealed =
                    keyring.encrypt(
                            new JsonObject()
                                    .put("channel", "sms")
                                    .put("address", "+15550100")
                                    .put("text", text)
                                    .put("id", "SM" + text)
                                    .put("outbox", true)
                                    .encode()
                                    .getBytes(StandardCharsets.UTF_8),
                            "haven/spool".getBytes(StandardCharsets.UTF_8));
            old.putInt(sealed.length).put(sealed);
        }
        old.put(new byte[] {0, 0, 1, 0, 42}); // a torn tail of version 1
        Files.write(file(dir), Arrays.copyOf(old.array(), old.position()));
        Spool spool = new Spool(dir, keyring);
        assertEquals(2, spool.pending());
        assertEquals(List.of("old0", "old1"), texts(spool.read()));
        spool.flush(spool.offer(message("new")));
        assertEquals(
                "HVS2",
                new String(Files.readAllBytes(file(dir)), 0, 4, StandardCharsets.ISO_8859_1));
        assertEquals(List.of("old0", "old1", "new"), texts(new Spool(dir, keyring).read()));
        assertEquals(0, spool.quarantined());
    }

    /**
     * Verifies that a gateway starts with a damaged spool (a torn record and a record under a
     * server key it does not have, between good ones): it replays the good ones, answers a new
     * chat, and /health reports the quarantined records (status degraded, still 200: the database
     * is up).
     */
    @Test
    void testAGatewayStartsWithADamagedSpoolAndReportsIt(@TempDir Path dataDir, @TempDir Path other)
            throws Exception {
        ServerKeyring keyring =
                ServerSecrets.loadOrCreate(dataDir.resolve("secrets").resolve("server-keys"))
                        .keyring();
        Files.createDirectories(file(dataDir).getParent());
        Files.write(file(dataDir), records(other, keyring, "hello"));
        Files.write(
                file(dataDir),
                Arrays.copyOf(records(other, keyring, "torn"), 50),
                StandardOpenOption.APPEND);
        Files.write(
                file(dataDir),
                records(other, ServerKeyring.generate(), "foreign"),
                StandardOpenOption.APPEND);
        Files.write(file(dataDir), records(other, keyring, "again"), StandardOpenOption.APPEND);
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient client = new InboxClient(haven.port());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonObject health;
            while ((health = new JsonObject(client.get("/health").body())).getInteger("spooled")
                    > 0) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "the good records were not replayed: " + health.encode());
                Thread.sleep(100);
            }
            var response = client.get("/health");
            assertEquals(200, response.statusCode());
            health = new JsonObject(response.body());
            assertEquals("degraded", health.getString("status"), health.encode());
            assertEquals(2, health.getInteger("spool_quarantined"), health.encode());
            String metrics = client.get("/metrics").body();
            assertTrue(
                    metrics.contains("haven_spool_quarantined 2.0")
                            && metrics.contains("haven_spool_pending 0.0"),
                    "the metrics do not report the quarantine");
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(null);
                String id = chat.say("hello");
                assertEquals(id, chat.nextOfType("ack").getString("id"));
            }
        }
    }

    private static Inbound message(String text) {
        return new Inbound(
                "webchat", "token-" + text.length(), text, Optional.of("id-" + text), true);
    }

    /**
     * The bytes of whole records of {@code texts}, as a spool under {@code keyring} writes them.
     */
    private static byte[] records(Path scratch, ServerKeyring keyring, String... texts)
            throws Exception {
        Path dir = Files.createTempDirectory(scratch, "s");
        Spool s = new Spool(dir, keyring);
        for (String t : texts) {
            s.flush(s.offer(message(t)));
        }
        return Files.readAllBytes(file(dir));
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> texts(List<Inbound> messages) {
        return messages.stream().map(Inbound::text).toList();
    }

    private static Path file(Path dir) {
        return dir.resolve("spool").resolve("inbound.log");
    }
}
