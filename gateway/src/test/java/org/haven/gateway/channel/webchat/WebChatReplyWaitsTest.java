package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator's reply to a person who has closed the web chat. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebChatReplyWaitsTest {

    /**
     * Verifies that a reply to a closed web chat stays pending through more delivery attempts than
     * the outbox allows for failures (the person being away is not a failure), and reaches the
     * person when they come back with their resume token.
     */
    @Test
    void testReplyWaitsForThePersonBeyondMaxAttempts(@TempDir Path dataDir) throws Exception {
        String marker = "away-" + UUID.randomUUID();
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                LogCapture logs = new LogCapture()) {
            TestHaven.setUpAdmin(haven);
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                token = IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker)).resumeToken();
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = casePath(admin, marker);
            String page = admin.get(path).body();
            assertEquals(302, admin.postWithCsrf(page, path + "/claim").statusCode());
            page = admin.get(path).body();
            String reply = "We tried to reach you " + UUID.randomUUID();
            HttpResponse<String> sent =
                    admin.postWithCsrf(page, path + "/reply", "text", reply, "canned", "");
            assertTrue(
                    sent.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"));

            int sweeps = 12; // more than the outbox's 8 attempts for real failures
            for (int i = 0; i < sweeps; i++) {
                sql(haven, "UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'");
                waitForNotConnected(logs, i + 1);
                waitForWaitingRow(haven);
            }
            assertEquals(
                    "pending",
                    sql(
                            haven,
                            "SELECT string_agg(DISTINCT status, ',') FROM outbox WHERE error_code = 'not_connected'"),
                    "the waiting reply was given up");

            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                assertEquals(token, chat.nextOfType("session").getString("resume"));
                JsonObject frame;
                do {
                    frame = chat.nextOfType("reply");
                } while (!reply.equals(frame.getString("text")));
            }
        }
    }

    /**
     * Verifies that the case page says what became of each reply: waiting for the person to come
     * back while their chat is closed, shown once they came back, and plainly not delivered when
     * they did not come back in time.
     */
    @Test
    void testCasePageSaysWhetherTheReplyReachedThePerson(@TempDir Path dataDir) throws Exception {
        String marker = "fate-" + UUID.randomUUID();
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                LogCapture logs = new LogCapture()) {
            TestHaven.setUpAdmin(haven);
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                token = IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker)).resumeToken();
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = casePath(admin, marker);
            String page = admin.get(path).body();
            assertEquals(302, admin.postWithCsrf(page, path + "/claim").statusCode());
            page = admin.get(path).body();
            String first = "First reply " + UUID.randomUUID();
            admin.postWithCsrf(page, path + "/reply", "text", first, "canned", "");
            waitForNotConnected(logs, 1);
            waitForWaitingRow(haven);
            String waiting = admin.get(path + "?partial=conversation").body();
            assertTrue(
                    waiting.contains("Waiting for the person to come back to the chat"), waiting);
            assertFalse(waiting.contains("Shown on the person"), waiting);

            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                JsonObject frame;
                do {
                    frame = chat.nextOfType("reply");
                } while (!first.equals(frame.getString("text")));
            }
            String shown = waitForPage(admin, path, "Shown on the person&#39;s chat page");
            assertFalse(shown.contains("Waiting for the person"), shown);

            page = admin.get(path).body();
            String second = "Second reply " + UUID.randomUUID();
            admin.postWithCsrf(page, path + "/reply", "text", second, "canned", "");
            waitForNotConnected(logs, 2);
            waitForWaitingRow(haven);
            // the resume window ends without the person coming back
            sql(
                    haven,
                    "UPDATE outbox SET expires_at = now() - interval '1 second', next_attempt_at = now() WHERE status = 'pending'");
            String expired =
                    waitForPage(admin, path, "Not delivered: the person did not come back before");
            assertTrue(
                    expired.contains("Shown on the person&#39;s chat page"),
                    "the first reply's fate is kept: " + expired);
        }
    }

    private static String waitForPage(InboxClient admin, String path, String text)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            String page = admin.get(path + "?partial=conversation").body();
            if (page.contains(text)) {
                return page;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the case page never said \"" + text + "\": " + page);
            }
            Thread.sleep(100);
        }
    }

    private static void waitForNotConnected(LogCapture logs, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (logs.lines().stream()
                        .filter(
                                l ->
                                        l.contains("event=outbox_send_failed")
                                                && l.contains("code=not_connected"))
                        .count()
                < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("delivery attempt " + count + " did not happen");
            }
            Thread.sleep(50);
        }
    }

    /**
     * The outbox logs the attempt before it writes the row back to wait: the next round's UPDATE
     * must come after that write, or the write's one-minute wait overrides it.
     */
    private static void waitForWaitingRow(Haven haven) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"1"
                .equals(
                        sql(
                                haven,
                                "SELECT count(*) FROM outbox WHERE status = 'pending' AND error_code = 'not_connected'"
                                        + " AND next_attempt_at > now() + interval '10 seconds'"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reply was not put back to wait");
            }
            Thread.sleep(20);
        }
    }

    private static String sql(Haven haven, String statement) throws Exception {
        PgConnectOptions o = haven.database().connectOptions();
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:postgresql://"
                                        + o.getHost()
                                        + ":"
                                        + o.getPort()
                                        + "/"
                                        + o.getDatabase(),
                                o.getUser(),
                                o.getPassword() == null ? "" : o.getPassword());
                Statement st = c.createStatement()) {
            if (!st.execute(statement)) {
                return null;
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
