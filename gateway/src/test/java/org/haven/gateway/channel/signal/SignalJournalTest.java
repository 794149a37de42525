package org.haven.gateway.channel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.haven.crypto.ServerKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal of Signal envelopes on disk: order, encryption, removal, unreadable files, keys. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SignalJournalTest {
    private static final String ACI = "516e0003-7c2b-4d1e-9a3f-2b8c4d6e8f12";

    @TempDir Path dataDir;

    /**
     * Verifies that envelopes read back in the order they were reserved, that removed ones are
     * gone, that a journal opened again (a restart) finds the rest and numbers after them, and that
     * nothing of an envelope is in clear in its file, which only the owner may read.
     */
    @Test
    void testEnvelopesReadBackInOrderEncrypted() throws Exception {
        ServerKeyring ring = ServerKeyring.generate();
        SignalJournal journal = new SignalJournal(dataDir, ring);
        long a = journal.reserve();
        long b = journal.reserve();
        long c = journal.reserve();
        journal.append(c, event("third"));
        journal.append(a, event("first"));
        journal.append(b, event("second"));
        journal.remove(b);

        SignalJournal again = new SignalJournal(dataDir, ring);
        List<SignalJournal.Entry> left = again.read(new AtomicLong());
        assertEquals(List.of(a, c), left.stream().map(SignalJournal.Entry::seq).toList());
        assertEquals(event("first"), left.get(0).event());
        assertTrue(again.reserve() > c, "a restarted journal reused a number");
        for (Path f : files()) {
            String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertFalse(raw.contains(ACI) || raw.contains("first") || raw.contains("third"));
            assertEquals("rw-------", mode(f));
        }
        assertEquals("rwx------", mode(dataDir.resolve("signal-journal")));
    }

    /**
     * Verifies that a file sealed under a key this gateway does not have is set aside as {@code
     * .unreadable} and counted, and the others are still read.
     */
    @Test
    void testFileUnderUnknownKeyIsSetAside() throws Exception {
        SignalJournal other = new SignalJournal(dataDir, ServerKeyring.generate());
        other.append(other.reserve(), event("foreign"));
        SignalJournal mine = new SignalJournal(dataDir, ServerKeyring.generate());
        mine.append(mine.reserve(), event("own"));
        AtomicLong unreadable = new AtomicLong();
        List<SignalJournal.Entry> read = mine.read(unreadable);
        assertEquals(1, read.size());
        assertEquals(event("own"), read.get(0).event());
        assertEquals(1, unreadable.get());
        assertEquals(
                1,
                files().stream()
                        .filter(f -> f.getFileName().toString().endsWith(".unreadable"))
                        .count());
    }

    /**
     * Verifies that after a rotation the envelopes are written anew under the new key, so that they
     * still read once the older key is retired.
     */
    @Test
    void testRewriteUnderPrimarySurvivesRetire() throws Exception {
        ServerKeyring old = ServerKeyring.generate();
        SignalJournal journal = new SignalJournal(dataDir, old);
        journal.append(journal.reserve(), event("kept"));
        ServerKeyring rotated = old.rotate();
        assertEquals(1, SignalJournal.rewriteUnderPrimary(dataDir, rotated));
        ServerKeyring retired = rotated.retire(old.primaryKeyId());
        AtomicLong unreadable = new AtomicLong();
        List<SignalJournal.Entry> read = new SignalJournal(dataDir, retired).read(unreadable);
        assertEquals(0, unreadable.get());
        assertEquals(
                List.of(event("kept")), read.stream().map(SignalJournal.Entry::event).toList());
        assertEquals(0, SignalJournal.rewriteUnderPrimary(dataDir.resolve("none"), rotated));
    }

    private static JsonObject event(String text) {
        return FakeSignalCli.message(ACI, "+14165550144", 1_765_200_000_000L, text);
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dataDir.resolve("signal-journal"))) {
            return s.toList();
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
