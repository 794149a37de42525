package org.haven.gateway.channel.signal;

import static org.haven.gateway.channel.signal.SignalTestSupport.await;
import static org.haven.gateway.channel.signal.SignalTestSupport.signalSettings;
import static org.haven.gateway.channel.signal.SignalTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.gateway.channel.signal.SignalTestSupport.WiredGateway;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What signal-cli handed over survives Haven: each envelope is journaled (encrypted, forced) before
 * it is handled, so a gateway stopped hard before the commit, or a message whose step keeps failing
 * through an outage, is handled later, never dropped. The gateway is wired as {@code Haven.start}
 * wires it (the dialogue with its spool, the outbox, the channel with the server keyring), against
 * {@link FakeSignalCli} and a real PostgreSQL; a hard stop closes the gateway's Vert.x without any
 * of Haven's shutdown (what a killed process leaves on disk), while the channel holds the envelope
 * before its step (a test hook: the window between signal-cli's hand-over and the commit).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignalDurabilityTest {
    private static final String ACI = "516e0002-7c2b-4d1e-9a3f-2b8c4d6e8f11";
    private static final String NUMBER = "+14165550143";

    @TempDir Path dataDir;
    private String url;
    private Vertx daemonVertx;
    private FakeSignalCli daemon;
    private Gateway gateway;
    private long timestamp = 1_765_100_000_000L;

    /** One gateway process, as far as Signal is concerned. */
    private final class Gateway {
        final Vertx vertx = Vertx.vertx();
        final Database database;
        final Outbox outbox;
        final SignalChannel channel;

        Gateway(long stepBackoffMillis, long journalRetryMillis) throws Exception {
            Map<String, String> env = signalSettings(daemon);
            env.put("HAVEN_DB_URL", url);
            WiredGateway wired = WiredGateway.wire(vertx, dataDir, env, true);
            database = wired.database;
            outbox = wired.outbox;
            channel = wired.channel;
            channel.retryTimes(stepBackoffMillis, journalRetryMillis);
            wired.start();
        }

        /** As a killed process: nothing of Haven's shutdown runs. */
        void kill() throws Exception {
            await(vertx.close()); // its pool goes with it
        }

        void stop() throws Exception {
            await(channel.stop());
            await(outbox.stop());
            database.close();
            await(vertx.close());
        }
    }

    @BeforeEach
    void start() throws Exception {
        url = TestPostgres.newDatabase();
        daemonVertx = Vertx.vertx();
        daemon = new FakeSignalCli(daemonVertx);
        daemon.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
        daemon.stop();
        await(daemonVertx.close());
    }

    /**
     * Verifies that a gateway stopped hard after signal-cli handed it a message and before the
     * message's step committed loses nothing: the envelope is in the journal (and not in clear
     * there), the next start handles it (stored once, answered), and the journal is empty after.
     */
    @Test
    void testHardStopBetweenHandOverAndCommitLosesNothing() throws Exception {
        gateway = new Gateway(500, 60_000);
        waitFor(daemon::streaming, "no events stream");
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30), "no reply to the first message");
        waitFor(() -> count("SELECT count(*) FROM inbound_seen") == 1, "not stored");
        waitFor(() -> journaled() == 0, "the journal kept a stored message");

        String marker = "marker-journal-7f3a";
        // handed over, not yet handled when the process dies
        gateway.channel.holdHandling(Promise.<Void>promise().future());
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, marker));
        Thread.sleep(1000); // the daemon pushed it at once
        gateway.kill();
        gateway = null;
        long left = journaled();
        assertEquals(1, count("SELECT count(*) FROM inbound_seen"), "the step committed");
        assertFalse(
                journalText().contains(marker) || journalText().contains(ACI),
                "the journal holds the message in clear");

        try (LogCapture logs = new LogCapture()) {
            gateway = new Gateway(500, 60_000);
            waitFor(
                    () -> count("SELECT count(*) FROM inbound_seen") == 2,
                    "the journaled message was lost");
            assertNotNull(daemon.next("send", 30), "the journaled message was not answered");
            assertEquals(1, left, "the killed gateway left no journal entry");
            waitFor(() -> journaled() == 0, "the journal kept a handled message");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(l -> l.contains("event=signal_journal_replayed")),
                    "no replay logged");
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains(marker) || l.contains(ACI)));
        }
        assertEquals(1, count("SELECT count(*) FROM conversations"));
    }

    /**
     * Verifies that a message in hand when the database goes away for longer than the step's tries,
     * on a gateway whose spool cannot write either (a full disk), is not dropped: it stays in the
     * journal, is tried again once the database is back, and is stored once in the one
     * conversation.
     */
    @Test
    void testOutageLongerThanTheRetriesDropsNothing() throws Exception {
        // the spool's file cannot be written: a directory stands in its place
        Files.createDirectories(dataDir.resolve("spool").resolve("inbound.log"));
        gateway = new Gateway(50, 2_000);
        waitFor(daemon::streaming, "no events stream");
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30), "no reply to the first message");
        waitFor(() -> count("SELECT count(*) FROM inbound_seen") == 1, "not stored");

        try (LogCapture logs = new LogCapture()) {
            try (Connection lock = lockInboundSeen()) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Still there?"));
                Thread.sleep(1000); // handed over, its step waiting on the lock
                TestPostgres.away(url, true); // ends the lock's session too
            }
            // six tries 0.1 to 1.6 s apart: all fail
            waitFor(
                    () ->
                            logs.lines().stream()
                                    .anyMatch(
                                            l ->
                                                    l.contains("event=signal_inbound_deferred")
                                                            || l.contains(
                                                                    "event=signal_inbound_dropped")),
                    "the step's tries did not run out");
            assertTrue(
                    logs.lines().stream()
                            .noneMatch(l -> l.contains("event=signal_inbound_dropped")),
                    "the message was dropped");
            assertEquals(1, journaled(), "the message left the journal");
            TestPostgres.away(url, false);
            waitFor(
                    () -> count("SELECT count(*) FROM inbound_seen") == 2,
                    "the message was not stored after the outage");
            assertNotNull(daemon.next("send", 30), "the message was not answered");
            waitFor(() -> journaled() == 0, "the journal kept a handled message");
        }
        assertEquals(1, count("SELECT count(*) FROM conversations"));
    }

    /**
     * Verifies that an intake through a database outage longer than the step's tries loses nothing:
     * the answer in hand when the database went is spooled, what is written during the outage waits
     * on the daemon, and once the database is back the intake reaches its one case with every
     * answer stored once, nothing dropped or left in the journal.
     */
    @Test
    void testIntakeThroughAnOutageReachesOneCase() throws Exception {
        gateway = new Gateway(50, 2_000);
        waitFor(daemon::streaming, "no events stream");
        List<String> said = new ArrayList<>();
        said.add("Hello");
        said.addAll(IntakeDriver.survivorAnswers("marker-outage-2b9e"));
        int half = said.size() / 2;
        try (LogCapture logs = new LogCapture()) {
            for (String text : said.subList(0, half)) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            }
            waitFor(() -> count("SELECT count(*) FROM inbound_seen") == half, "not stored");
            try (Connection lock = lockInboundSeen()) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, said.get(half)));
                Thread.sleep(1000); // handed over, its step waiting on the lock
                TestPostgres.away(url, true);
            }
            // the gateway stops receiving once it finds the database gone: what Signal holds for
            // the account from then on waits there (a message pushed while the stream was still
            // closing would be written to a dead connection: a race of the test, not the gateway)
            waitFor(() -> !daemon.streaming(), "receiving was not released during the outage");
            for (String text : said.subList(half + 1, said.size())) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            }
            Thread.sleep(5000); // longer than the step's six tries (3.1 s here)
            TestPostgres.away(url, false);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            FakeSignalCli.Call reference = null;
            while (reference == null && System.nanoTime() < end) {
                FakeSignalCli.Call c = daemon.next("send", 1);
                if (c != null
                        && c.params().getString("message").matches("(?s).*HV-[A-Z2-9]{6}.*")) {
                    reference = c;
                }
            }
            assertNotNull(reference, "the intake did not reach its case");
            assertEquals(said.size(), count("SELECT count(*) FROM inbound_seen"));
            assertEquals(1, count("SELECT count(*) FROM cases WHERE channel = 'signal'"));
            assertTrue(
                    logs.lines().stream()
                            .noneMatch(
                                    l ->
                                            l.contains("event=signal_inbound_dropped")
                                                    || l.contains("event=signal_inbound_deferred")),
                    "a message was dropped or deferred");
            waitFor(() -> journaled() == 0, "the journal kept a handled message");
        }
    }

    /** A session that holds inbound_seen locked until closed: steps wait before their commit. */
    private Connection lockInboundSeen() throws Exception {
        Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE inbound_seen IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    private long journaled() throws Exception {
        Path dir = dataDir.resolve("signal-journal");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".env")).count();
        }
    }

    private String journalText() throws Exception {
        StringBuilder all = new StringBuilder();
        if (!Files.isDirectory(dataDir.resolve("signal-journal"))) {
            return "";
        }
        try (Stream<Path> files = Files.list(dataDir.resolve("signal-journal"))) {
            for (Path f : files.toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private long count(String sql) {
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
