package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway restarted with acknowledged messages in its spool (a pod replaced during a database
 * outage, on a volume that outlives it) replays them before it reports ready.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadyAfterSpoolReplayTest {

    /**
     * Verifies that a gateway that finds records in its spool at start answers {@code
     * /health/ready} with 503 while the database is up and those records are not replayed yet (held
     * here by a row lock on the conversations), and 200 only once they are in the database: the
     * intake they finish has become a case. {@code /health/live} answers 200 throughout.
     */
    @Test
    void testReadyOnlyOnceTheSpoolFoundAtStartIsInTheDatabase(@TempDir Path dataDir)
            throws Exception {
        String url = TestPostgres.newDatabase();
        Map<String, String> settings = Map.of("HAVEN_DB_URL", url);
        List<String> answers = IntakeDriver.survivorAnswers("restart-" + UUID.randomUUID());
        int spooled = answers.size() - 6;
        try (Haven first = TestHaven.start(dataDir, settings)) {
            try (ChatClient chat = ChatClient.connect(first.port())) {
                IntakeDriver.run(chat, answers.subList(0, 6));
                TestPostgres.away(url, true);
                for (String answer : answers.subList(6, answers.size())) {
                    String id = chat.say(answer);
                    assertEquals(
                            id,
                            chat.nextOfType("ack").getString("id"),
                            "not acknowledged during the outage");
                }
            }
            assertEquals(spooled, health(first.port(), "/health").getInteger("spooled"));
        } // stopped during the outage: the messages stay in the spool under the data dir

        TestPostgres.away(url, false);
        try (Connection lock =
                DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "")) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("SELECT 1 FROM conversations FOR UPDATE"); // the replay's steps wait on
                // this
            }
            try (Haven second = TestHaven.start(dataDir, settings)) {
                InboxClient client = new InboxClient(second.port());
                Thread.sleep(2500); // past the replay's first ticks (once a second)
                HttpResponse<String> ready = client.get("/health/ready");
                JsonObject body = new JsonObject(ready.body());
                assertEquals(
                        503,
                        ready.statusCode(),
                        "ready before its spool was replayed: " + body.encode());
                assertEquals("up", body.getString("database"));
                assertEquals(Boolean.FALSE, body.getBoolean("spool_replayed_at_start"));
                assertEquals(spooled, body.getInteger("spooled"));
                assertEquals(200, client.get("/health/live").statusCode());
                assertEquals(0L, cases(url), "the replay was not held");

                lock.commit();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (client.get("/health/ready").statusCode() != 200) {
                    assertTrue(
                            System.nanoTime() < deadline,
                            "never ready after the lock was released");
                    Thread.sleep(50);
                }
                // ready now: everything found in the spool is in the database
                assertEquals(
                        1L, cases(url), "ready before the spooled intake reached the database");
                assertEquals(0, health(second.port(), "/health").getInteger("spooled"));
            }
        }
    }

    private static JsonObject health(int port, String path) throws Exception {
        return new JsonObject(new InboxClient(port).get(path).body());
    }

    private static long cases(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM cases")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
