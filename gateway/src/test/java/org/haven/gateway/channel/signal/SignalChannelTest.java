package org.haven.gateway.channel.signal;

import static org.haven.gateway.channel.signal.SignalTestSupport.await;
import static org.haven.gateway.channel.signal.SignalTestSupport.signalSettings;
import static org.haven.gateway.channel.signal.SignalTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.signal.SignalTestSupport.WiredGateway;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Redaction;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Signal channel against {@link FakeSignalCli}, a daemon speaking signal-cli 0.14.6's JSON-RPC
 * and events stream, with the gateway's real dialogue, cases and outbox on an embedded PostgreSQL,
 * wired as {@code Haven.start} wires them. The person's ACI and number are shaped so that
 * LogsHaveNoPersonalDataIT looks for them in every test's output too.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignalChannelTest {
    /** The person's ACI: test ACIs start with 516e00 (LogsHaveNoPersonalDataIT looks for them). */
    private static final String ACI = "516e0001-7c2b-4d1e-9a3f-2b8c4d6e8f10";

    /** The person's number (a fictional 555-01xx one): signal-cli sends it beside the ACI. */
    private static final String NUMBER = "+14165550142";

    private static final String DURESS = "bluebird";

    @TempDir Path dataDir;
    private Vertx vertx;
    private Database database;
    private Outbox outbox;
    private FakeSignalCli daemon;
    private Channel channel;
    private long timestamp = 1_765_000_000_000L;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        daemon = new FakeSignalCli(vertx);
        daemon.start();
        Map<String, String> env = signalSettings(daemon);
        env.put("HAVEN_DB_URL", TestPostgres.newDatabase());
        env.put("HAVEN_DURESS_WORD", DURESS);
        WiredGateway wired = WiredGateway.wire(vertx, dataDir, env, false);
        database = wired.database;
        outbox = wired.outbox;
        channel = wired.channel;
        channel.secretSettings()
                .forEach(key -> wired.config.settings().get(key).ifPresent(Redaction::register));
        wired.start();
        waitFor(daemon::streaming, "Haven did not open the events stream");
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            await(channel.stop());
        }
        if (outbox != null) {
            await(outbox.stop());
        }
        if (daemon != null) {
            try {
                daemon.stop();
            } catch (Exception ignored) {
                // already stopped by the test
            }
        }
        if (database != null) {
            database.close();
        }
        await(vertx.close());
    }

    /**
     * Verifies that a whole intake written on Signal becomes a queued case on the signal channel,
     * that every reply goes to the person's ACI (never their number) with nothing but {@code send}
     * (no typing indicator, no read receipt), that an envelope delivered twice is applied once and
     * a receipt is ignored, and that neither the ACI, the number nor a free-text answer is in clear
     * in the database or in the logs.
     */
    @Test
    void testIntakeOverTheEventStreamReachesAQueuedCase() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (LogCapture logs = new LogCapture()) {
            List<String> said = new ArrayList<>();
            said.add("Hello");
            said.addAll(IntakeDriver.survivorAnswers(marker));
            JsonObject first = FakeSignalCli.message(ACI, NUMBER, ++timestamp, said.get(0));
            daemon.arrive(first);
            FakeSignalCli.Call reply = daemon.next("send", 30);
            assertNotNull(reply, "no reply to the first message");
            assertEquals(new JsonArray().add(ACI), reply.params().getJsonArray("recipient"));
            assertTrue(reply.params().getString("message").contains("1) "), "options not numbered");
            // the same envelope again (a redelivery), and a receipt: neither is applied
            daemon.arrive(first);
            daemon.arrive(FakeSignalCli.receipt(ACI, NUMBER, ++timestamp, 1));
            for (String text : said.subList(1, said.size())) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            }
            waitForCaseReference();

            assertEquals(
                    List.of(List.of("1")),
                    query("SELECT count(*) FROM cases WHERE channel = 'signal'"));
            assertEquals(
                    List.of(List.of(String.valueOf(said.size()))),
                    query("SELECT count(*) FROM inbound_seen"),
                    "a redelivered envelope was applied twice");
            List<FakeSignalCli.Call> calls = daemon.calls();
            assertTrue(
                    calls.stream()
                            .filter(c -> c.method().equals("send"))
                            .allMatch(
                                    c ->
                                            c.params()
                                                    .getJsonArray("recipient")
                                                    .equals(new JsonArray().add(ACI))),
                    "a reply went elsewhere, or to the number");
            assertTrue(
                    calls.stream()
                            .noneMatch(
                                    c ->
                                            c.method().equals("sendTyping")
                                                    || c.method().equals("sendReceipt")),
                    "a typing indicator or read receipt was sent");
            assertNothingInClear(logs, marker);
        }
    }

    /**
     * Verifies that a daemon restart in the middle of an intake loses nothing: the messages written
     * while it was down wait, Haven reconnects, takes them with {@code receive} before it reads the
     * stream again, and the intake reaches its case with every answer applied once, in order.
     */
    @Test
    void testDaemonRestartMidConversationLosesNothing() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (LogCapture logs = new LogCapture()) {
            List<String> said = new ArrayList<>();
            said.add("Hello");
            said.addAll(IntakeDriver.survivorAnswers(marker));
            int half = said.size() / 2;
            for (String text : said.subList(0, half)) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            }
            waitFor(
                    () -> count("SELECT count(*) FROM inbound_seen") == half,
                    "the first half was not stored");

            daemon.stop();
            for (String text : said.subList(half, said.size())) {
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            }
            Thread.sleep(1500); // Haven notices, and fails to reconnect at least once
            daemon.start();

            waitForCaseReference();
            assertTrue(daemon.receivedByPoll() > 0, "what waited was not taken with receive");
            assertEquals(
                    List.of(List.of(String.valueOf(said.size()))),
                    query("SELECT count(*) FROM inbound_seen"));
            assertEquals(
                    List.of(List.of("1")),
                    query("SELECT count(*) FROM cases WHERE channel = 'signal'"));
            assertTrue(
                    logs.lines().stream().anyMatch(l -> l.contains("event=signal_events_closed")),
                    "the restart went unnoticed");
            assertNothingInClear(logs, marker);
        }
    }

    /**
     * Verifies that a message written in a group is not stored: the sender is told privately (not
     * in the group) and Haven leaves the group; a group Haven was only added to is left silently.
     */
    @Test
    void testGroupMessageIsRefusedAndTheGroupLeft() throws Exception {
        String group = "Pmpi+EfPWmsxiomLe9Nx2XF9HOE483p6iKiFj65iMwI=";
        daemon.joined(group);
        daemon.arrive(FakeSignalCli.groupMessage(ACI, NUMBER, ++timestamp, "Hello", group));
        FakeSignalCli.Call note = daemon.next("send", 30);
        assertNotNull(note, "the sender was not told");
        assertEquals(new JsonArray().add(ACI), note.params().getJsonArray("recipient"));
        assertFalse(note.params().containsKey("groupId"), "the note went to the group");
        assertTrue(
                note.params()
                        .getString("message")
                        .startsWith(
                                "To keep conversations safe, this service only talks one to one"),
                note.params().getString("message"));
        FakeSignalCli.Call quit = daemon.next("quitGroup", 30);
        assertNotNull(quit, "Haven stayed in the group");
        assertEquals(group, quit.params().getString("groupId"));
        waitFor(() -> !daemon.member(group), "the group was not left");

        String other = "Qm9vZ3JvdXBJZE9mQW5vdGhlckdyb3VwMDAwMDAwMDA=";
        daemon.joined(other);
        JsonObject added = FakeSignalCli.groupMessage(ACI, NUMBER, ++timestamp, null, other);
        added.getJsonObject("envelope")
                .getJsonObject("dataMessage")
                .getJsonObject("groupInfo")
                .put("type", "UPDATE");
        daemon.arrive(added);
        waitFor(() -> !daemon.member(other), "Haven stayed in the group it was added to");
        assertEquals(
                1,
                daemon.calls().stream().filter(c -> c.method().equals("send")).count(),
                "the group update was answered");
        assertEquals(0, count("SELECT count(*) FROM conversations"), "a group message was stored");
    }

    /**
     * Verifies that a photo without words gets the script's media note, in the conversation, and is
     * not opened.
     */
    @Test
    void testPhotoWithoutWordsGetsTheMediaNote() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30));
        daemon.arrive(FakeSignalCli.photo(ACI, NUMBER, ++timestamp));
        FakeSignalCli.Call note =
                nextSend(c -> c.params().getString("message").contains("cannot open pictures"));
        assertNotNull(note, "no media note");
        assertEquals(new JsonArray().add(ACI), note.params().getJsonArray("recipient"));
        assertTrue(
                daemon.calls().stream().noneMatch(c -> c.method().startsWith("getAttachment")),
                "the attachment was fetched");
    }

    /**
     * Verifies that DELETE erases the conversation, confirms directly (its outbox is gone), and
     * deletes Haven's earlier messages on the person's phone by their timestamps.
     */
    @Test
    void testDeleteErasesTheConversationAndHavensMessages() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30));
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE provider_id IS NOT NULL") > 0,
                "the first reply was not recorded as sent");
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "DELETE"));
        FakeSignalCli.Call deleted = daemon.next("remoteDelete", 30);
        assertNotNull(deleted, "Haven's messages were not deleted on the phone");
        assertEquals(new JsonArray().add(ACI), deleted.params().getJsonArray("recipient"));
        assertNotNull(deleted.params().getLong("targetTimestamp"));
        assertNotNull(nextSend(c -> true), "the erasure was not confirmed");
        assertEquals(0, count("SELECT count(*) FROM conversations"), "the conversation stayed");
    }

    /**
     * Verifies that the duress word, as on every channel, answers with the decoy and deletes
     * Haven's earlier messages on the person's phone, while the conversation stays (flagged).
     */
    @Test
    void testDuressWordDeletesHavensMessagesAndAnswersWithTheDecoy() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        FakeSignalCli.Call first = daemon.next("send", 30);
        assertNotNull(first);
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE provider_id IS NOT NULL") > 0,
                "the first reply was not recorded as sent");
        try (LogCapture logs = new LogCapture()) {
            daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, DURESS));
            FakeSignalCli.Call deleted = daemon.next("remoteDelete", 30);
            assertNotNull(deleted, "Haven's messages were not deleted on the phone");
            assertEquals(new JsonArray().add(ACI), deleted.params().getJsonArray("recipient"));
            assertNotNull(deleted.params().getLong("targetTimestamp"));
            FakeSignalCli.Call decoy = nextSend(c -> true);
            assertNotNull(decoy, "no decoy");
            assertTrue(
                    decoy.params().getString("message").contains("wrong number"), "not the decoy");
            assertEquals(1, count("SELECT count(*) FROM conversations"), "the conversation went");
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains(DURESS)), "duress word logged");
        }
    }

    /**
     * Verifies that an envelope delivered twice gets one reply: the redelivery is recognised by its
     * sender and timestamp, and nothing is queued or sent for it.
     */
    @Test
    void testDuplicateEnvelopeGetsOneReply() throws Exception {
        JsonObject hello = FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello");
        daemon.arrive(hello);
        daemon.arrive(hello);
        assertNotNull(daemon.next("send", 30), "no reply");
        waitFor(() -> count("SELECT count(*) FROM inbound_seen") == 1, "not stored");
        Thread.sleep(1500); // a second reply would be queued and sent by now
        assertEquals(1, sends(), "the redelivered envelope was answered again");
        assertEquals(1, count("SELECT count(*) FROM outbox"), "a second reply was queued");
    }

    /**
     * Verifies that a send the daemon fails with a passing error (a network failure to Signal's
     * server, JSON-RPC error -1 with result type NETWORK_FAILURE) is tried again by the outbox, and
     * the reply reaches the person once.
     */
    @Test
    void testTransientSendErrorIsRetriedAndTheReplyArrivesOnce() throws Exception {
        daemon.failNextSend(-1, sendFailure("NETWORK_FAILURE"));
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        FakeSignalCli.Call failed = daemon.next("send", 30);
        assertNotNull(failed, "no send");
        FakeSignalCli.Call retried = daemon.next("send", 30);
        assertNotNull(retried, "the failed send was not tried again");
        assertEquals(failed.params(), retried.params(), "the retry is not the same reply");
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1,
                "the reply was not recorded as sent");
        Thread.sleep(2500); // past the outbox's first backoff: nothing more goes out
        assertEquals(2, sends(), "one failed send and one delivered, nothing more");
        assertEquals(
                List.of(List.of("sent", "")),
                query(
                        "SELECT status, coalesce(error_code, '') FROM outbox"
                                + " ORDER BY created_at"));
    }

    /**
     * Verifies that when the journal cannot be written (a full or broken disk: here its directory
     * has become a file), a message is still handled from memory and answered, stored once, and the
     * failure is logged by kind, without the message.
     */
    @Test
    void testUnwritableJournalStillAnswers() throws Exception {
        Path journal = dataDir.resolve("signal-journal");
        try (var files = Files.list(journal)) {
            assertEquals(0, files.count(), "the journal holds something before the test");
        }
        Files.delete(journal);
        Files.writeString(journal, "not a directory");
        try (LogCapture logs = new LogCapture()) {
            daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
            assertNotNull(daemon.next("send", 30), "no reply without a journal");
            waitFor(() -> count("SELECT count(*) FROM inbound_seen") == 1, "not stored");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(l -> l.contains("event=signal_journal_failed kind=")),
                    logs.lines().toString());
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains("Hello")),
                    "the message was logged");
        }
    }

    /**
     * Verifies that a send to a person who is no longer on Signal (error -1, result type
     * UNREGISTERED_FAILURE) is given up at once, as the outbox does for an opted-out person: the
     * row fails with {@code unregistered}, the conversation is stopped, and nothing is sent again.
     */
    @Test
    void testUnregisteredRecipientIsGivenUp() throws Exception {
        daemon.failNextSend(-1, sendFailure("UNREGISTERED_FAILURE"));
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30), "no send");
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE status = 'failed'") == 1,
                "the send was not given up");
        assertEquals(
                List.of(List.of("failed", "unregistered")),
                query("SELECT status, error_code FROM outbox"));
        assertEquals(
                1,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"),
                "the conversation was not stopped");
        Thread.sleep(2500);
        assertEquals(1, sends(), "a given-up send was tried again");
    }

    /**
     * Verifies that STOP on Signal stops the conversation (confirmed once, nothing more sent) and
     * START resumes it with the question asked again, as on SMS and WhatsApp.
     */
    @Test
    void testStopAndStartStopAndResumeConversation() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        String question = daemon.next("send", 30).params().getString("message");
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "STOP"));
        FakeSignalCli.Call confirmed = daemon.next("send", 30);
        assertNotNull(confirmed, "STOP was not confirmed");
        assertTrue(
                confirmed.params().getString("message").contains("no more messages"),
                confirmed.params().getString("message"));
        assertEquals(1, count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello again"));
        waitFor(() -> count("SELECT count(*) FROM inbound_seen") == 3, "not stored");
        Thread.sleep(1500);
        assertEquals(2, sends(), "STOP is confirmed once, and nothing more is sent");

        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "START"));
        assertNotNull(
                nextSend(c -> question.equals(c.params().getString("message"))),
                "the question was not asked again after START");
        assertEquals(0, count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
    }

    /**
     * Verifies that HELP in Spanish is answered with the keywords in Spanish, and LANGUAGE with the
     * question of language, as on the other channels.
     */
    @Test
    void testHelpAndLanguageKeywordsAreAnswered() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(daemon.next("send", 30));
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "AYUDA"));
        assertNotNull(
                nextSend(c -> c.params().getString("message").contains("BORRAR")),
                "no help in Spanish");
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "LANGUAGE"));
        assertNotNull(
                nextSend(
                        c ->
                                c.params().getString("message").contains("Français")
                                        && c.params().getString("message").contains("1) ")),
                "LANGUAGE did not ask for the language");
    }

    /** Verifies that without HAVEN_SIGNAL_URL the channel is not built, and says so once. */
    @Test
    void testUnconfiguredChannelIsNotBuilt() {
        HavenConfig bare = ConfigLoader.load(Map.of("HAVEN_DATA_DIR", dataDir.toString()), null);
        try (LogCapture logs = new LogCapture()) {
            assertTrue(SignalChannel.create(new ChannelContext(vertx, null, null, bare)).isEmpty());
            assertEquals(
                    1,
                    logs.lines().stream()
                            .filter(
                                    l ->
                                            l.contains("event=channel_disabled")
                                                    && l.contains("channel=signal"))
                            .count());
        }
    }

    /** How many {@code send} requests the daemon got so far (failed ones too). */
    private long sends() {
        return daemon.calls().stream().filter(c -> c.method().equals("send")).count();
    }

    /** signal-cli's error data for a send that failed for the person, with this result type. */
    static JsonObject sendFailure(String type) {
        return new JsonObject()
                .put(
                        "response",
                        new JsonObject()
                                .put("timestamp", 1_765_000_000_999L)
                                .put(
                                        "results",
                                        new JsonArray()
                                                .add(
                                                        new JsonObject()
                                                                .put(
                                                                        "recipientAddress",
                                                                        new JsonObject()
                                                                                .put("uuid", ACI)
                                                                                .put(
                                                                                        "number",
                                                                                        NUMBER))
                                                                .put("type", type))));
    }

    private void waitForCaseReference() throws Exception {
        assertNotNull(
                nextSend(c -> c.params().getString("message").matches("(?s).*HV-[A-Z2-9]{6}.*")),
                "no case reference sent");
    }

    private FakeSignalCli.Call nextSend(Predicate<FakeSignalCli.Call> wanted) throws Exception {
        return SignalTestSupport.nextSend(daemon, wanted, 90);
    }

    private void assertNothingInClear(LogCapture logs, String marker) throws Exception {
        String dump = DatabaseDump.dump(database.connectOptions());
        Map<String, String> personal =
                Map.of("ACI", ACI, "number", NUMBER, "free-text answer", marker);
        personal.forEach(
                (kind, value) -> {
                    assertFalse(dump.contains(value), kind + " in clear in the database");
                    assertFalse(
                            dump.contains(DatabaseDump.hexOf(value)),
                            kind + " in clear (hex) in the database");
                    assertTrue(
                            logs.lines().stream().noneMatch(l -> l.contains(value)),
                            kind + " logged");
                });
        assertTrue(
                logs.lines().stream().noneMatch(l -> l.contains("516e0001")), "an ACI part logged");
    }

    private List<List<String>> query(String sql) throws Exception {
        return DatabaseDump.query(database.connectOptions(), sql);
    }

    private long count(String sql) {
        return SignalTestSupport.count(database.connectOptions(), sql);
    }
}
