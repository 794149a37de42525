package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.haven.crypto.ServerKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool file itself: group commits, order, trimming in one step, a torn tail, and nothing in
 * clear.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SpoolFileTest {

    /**
     * Verifies that messages offered from many threads, each followed by a flush, are all on disk
     * when their flush returns, in the order offered per thread, and that the file holds no text or
     * address in clear.
     */
    @Test
    void testConcurrentAppendsAreAllDurableInOrderAndEncrypted(@TempDir Path dir) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                writers.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 50; i++) {
                                        spool.offer(
                                                message(
                                                        "+1555010" + thread,
                                                        "text " + thread + "/" + i));
                                        spool.flush();
                                    }
                                    return null;
                                }));
            }
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(400, spool.pending());
        List<Inbound> read = new Spool(dir, keyring).read();
        assertEquals(400, read.size());
        for (int t = 0; t < 8; t++) {
            String from = "+1555010" + t;
            List<String> texts =
                    read.stream().filter(m -> m.address().equals(from)).map(Inbound::text).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add("text " + t + "/" + i);
            }
            assertEquals(expected, texts, "thread " + t + "'s messages out of order");
        }
        String raw = new String(Files.readAllBytes(file(dir)), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("text ") || raw.contains("+1555010"), "spool in clear");
    }

    /**
     * Verifies that dropping the first replayed messages keeps the rest in order, leaves no
     * temporary file, and that a record cut short at the end (a crash while appending) is ignored,
     * never acknowledged, and does not stop what comes before it from being read.
     */
    @Test
    void testDropFirstKeepsTheRestAndATornTailIsIgnored(@TempDir Path dir) throws Exception {
        ServerKeyring keyring = ServerKeyring.generate();
        Spool spool = new Spool(dir, keyring);
        for (int i = 0; i < 10; i++) {
            spool.offer(message("+15550100", "m" + i));
        }
        spool.flush();
        spool.dropFirst(4);
        assertEquals(6, spool.pending());
        assertEquals(
                List.of("m4", "m5", "m6", "m7", "m8", "m9"),
                spool.read().stream().map(Inbound::text).toList());
        assertFalse(Files.exists(file(dir).resolveSibling("inbound.log.tmp")));

        Files.write(file(dir), new byte[] {0, 0, 1, 0, 42, 42}, StandardOpenOption.APPEND);
        Spool reopened = new Spool(dir, keyring);
        assertEquals(6, reopened.pending());
        assertTrue(reopened.read().stream().allMatch(m -> m.text().startsWith("m")));
        reopened.dropFirst(6);
        assertEquals(0, reopened.pending());
        assertEquals(List.of(), reopened.read());
    }

    private static Inbound message(String from, String text) {
        return new Inbound("sms", from, text, Optional.of("SM" + text.hashCode()), true);
    }

    private static Path file(Path dir) {
        return dir.resolve("spool").resolve("inbound.log");
    }
}
