package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.store.EmbeddedPort;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away mid-intake: acknowledged messages wait in the encrypted spool and nothing is
 * lost.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpoolTest {

    /**
     * Verifies that while the database is stopped, web chat messages are still acknowledged, kept
     * encrypted in the spool (health says degraded), and replayed in order when the database
     * returns, so the intake completes with every answer.
     */
    @Test
    void testMessagesDuringOutageAreSpooledAndReplayedInOrder(
            @TempDir Path dataDir, @TempDir Path pgDir) throws Exception {
        int port = EmbeddedPort.free();
        EmbeddedPostgres db = start(pgDir, port);
        String marker = "outage-" + UUID.randomUUID();
        List<String> answers = IntakeDriver.survivorAnswers(marker);
        try (Haven haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_DB_URL",
                                "postgresql://postgres:x@localhost:" + port + "/postgres"))) {
            TestHaven.setUpAdmin(haven);
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, answers.subList(0, 6));
                db.close();
                for (String answer : answers.subList(6, answers.size())) {
                    String id = chat.say(answer);
                    assertEquals(
                            id,
                            chat.nextOfType("ack").getString("id"),
                            "a message was not acknowledged during the outage");
                }
                InboxClient client = new InboxClient(haven.port());
                var health = client.get("/health");
                assertEquals(503, health.statusCode());
                JsonObject body = new JsonObject(health.body());
                assertEquals("degraded", body.getString("status"));
                // for probes and the proxy: alive, and ready, since the spool takes messages for
                // the database
                assertEquals(200, client.get("/health/live").statusCode());
                var ready = client.get("/health/ready");
                assertEquals(200, ready.statusCode(), ready.body());
                assertEquals(Boolean.TRUE, new JsonObject(ready.body()).getBoolean("ready"));
                assertEquals(answers.size() - 6, body.getInteger("spooled"));
                byte[] spool = Files.readAllBytes(dataDir.resolve("spool").resolve("inbound.log"));
                assertFalse(
                        new String(spool, StandardCharsets.ISO_8859_1).contains(marker),
                        "spool in clear");

                db = start(pgDir, port);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline
                        && new JsonObject(client.get("/health").body()).getInteger("spooled") > 0) {
                    Thread.sleep(200);
                }
                JsonObject after = new JsonObject(client.get("/health").body());
                assertEquals("ok", after.getString("status"), after.encode());
                // the first of them is enough, instead of 3 s without any more
                assertTrue(
                        awaitReply(chat),
                        "the replayed steps' replies did not reach the open chat");
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String queue = admin.get("/inbox").body();
            Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue);
            assertTrue(m.find(), "no case after the replay");
            String page = admin.get(m.group(1)).body();
            assertTrue(
                    page.contains(marker)
                            && page.contains("+1 416 555 0199")
                            && page.contains("Toronto"),
                    "answers given during the outage are missing");
            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            haven.database().connectOptions(), "SELECT count(*) FROM cases"));
        } finally {
            db.close();
        }
    }

    /**
     * Verifies that a message whose step was worked out but whose commit failed (the database
     * connection died with it), and which was therefore spooled, is replayed as the answer it was.
     * Before, the gateway remembered the step as taken before the commit, recorded the question it
     * would have led to with the spooled message, and at replay kept the answer apart as written
     * late ("When did it happen?" left unanswered, the next answers one behind). The connection is
     * cut by a trigger, once, at the step's update of the conversation.
     */
    @Test
    void testAStepWhoseCommitFailedIsReplayedAsTheAnswerItWas(@TempDir Path dataDir)
            throws Exception {
        String marker = "cut-" + UUID.randomUUID();
        List<String> answers = IntakeDriver.survivorAnswers(marker);
        int when = answers.indexOf("2014");
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.setUpAdmin(haven);
            var db = haven.database().connectOptions();
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, answers.subList(0, when));
                DatabaseDump.execute(
                        db,
                        "CREATE SEQUENCE cut_once;"
                                + " CREATE FUNCTION cut() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                                + " IF nextval('cut_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;"
                                + " RETURN NEW; END $$;"
                                + " CREATE TRIGGER cut AFTER UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION cut()");
                String id = chat.say(answers.get(when));
                assertEquals(id, chat.nextOfType("ack").getString("id"), "not acknowledged");
                InboxClient client = new InboxClient(haven.port());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (new JsonObject(client.get("/health").body()).getInteger("spooled", 0) > 0) {
                    assertTrue(System.nanoTime() < deadline, "the spool was not replayed");
                    Thread.sleep(100);
                }
                assertEquals(
                        List.of(List.of("2")),
                        DatabaseDump.query(db, "SELECT last_value FROM cut_once"),
                        "the step was not cut, or its replay was not made");
                for (String input : answers.subList(when + 1, answers.size())) {
                    chat.untilAck(chat.say(input));
                }
                chat.sync();
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            Matcher m =
                    Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                            .matcher(admin.get("/inbox").body());
            assertTrue(m.find(), "no case");
            String page = admin.get(m.group(1)).body();
            assertFalse(
                    page.contains("Written while the service was away"),
                    "the answer was kept apart as late");
            assertTrue(
                    page.contains("2014") && page.contains(marker) && page.contains("Toronto"),
                    "the intake did not finish as answered");
        }
    }

    /** Whether a reply frame arrives within the chat's wait for a frame (10 s). */
    private static boolean awaitReply(ChatClient chat) throws InterruptedException {
        try {
            return chat.nextOfType("reply") != null;
        } catch (AssertionError noFrame) {
            return false;
        }
    }

    private static EmbeddedPostgres start(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }
}
