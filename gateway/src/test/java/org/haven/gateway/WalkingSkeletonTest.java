package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.store.EmbeddedPort;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One intake from the web chat to the coordinator inbox, on a real server and a real PostgreSQL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WalkingSkeletonTest {

    /**
     * Verifies that an intake driven over the WebSocket becomes a queued case whose answers a
     * logged-in coordinator reads decrypted, that no answer appears in clear in any table or log
     * line, and that the case survives a restart on the same data dir.
     */
    @Test
    void testIntakeOverWebChatReachesInboxSealedAndSurvivesRestart(@TempDir Path dataDir)
            throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        String reference;
        try (LogCapture logs = new LogCapture()) {
            try (Haven haven = TestHaven.start(dataDir, TestHaven.embedded(Map.of()))) {
                TestHaven.setUpAdmin(haven);
                IntakeDriver.Transcript transcript =
                        IntakeDriver.completeIntake(haven.port(), marker);

                InboxClient inbox = TestHaven.loggedIn(haven);
                HttpResponse<String> queue = inbox.get("/inbox");
                assertEquals(200, queue.statusCode());
                reference = IntakeDriver.onlyCaseReference(queue.body());
                String told = reference;
                assertTrue(
                        transcript.frames().stream()
                                .anyMatch(
                                        f ->
                                                f.getString("text", "")
                                                        .contains(
                                                                "Your case reference is " + told)),
                        "the person is not given their case reference (issue 25)");
                assertTrue(
                        transcript.frames().stream()
                                .noneMatch(f -> f.getString("text", "").contains("{reference}")));
                String casePage = openCase(inbox, queue.body());
                assertTrue(casePage.contains(marker), "free-text answer not shown decrypted");
                assertTrue(
                        casePage.contains("+1 416 555 0199"), "contact number not shown decrypted");
                assertTrue(casePage.contains("Torture"), "chosen category not shown");
                assertTrue(casePage.contains("Likely within the mandate"), "triage not shown");

                String dump = DatabaseDump.dump(haven.database().connectOptions());
                assertTrue(
                        dump.contains(reference),
                        "dump does not look like a dump of this database");
                for (String secret :
                        List.of(
                                marker,
                                "+1 416 555 0199",
                                "4165550199",
                                transcript.resumeToken())) {
                    assertFalse(dump.contains(secret), "in clear in the database: " + secret);
                    assertFalse(
                            dump.contains(DatabaseDump.hexOf(secret)),
                            "in clear (bytea) in the database: " + secret);
                }
            }
            try (Haven again = TestHaven.start(dataDir, TestHaven.embedded(Map.of()))) {
                InboxClient inbox = TestHaven.loggedIn(again);
                String queue = inbox.get("/inbox").body();
                assertEquals(reference, IntakeDriver.onlyCaseReference(queue));
                assertTrue(
                        openCase(inbox, queue).contains(marker),
                        "answers unreadable after restart");
            }
            List<String> lines = logs.lines();
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("event=case_queued")),
                    "no case_queued log line");
            for (String line : lines) {
                for (String secret :
                        List.of(
                                marker,
                                "416 555 0199",
                                "Syria",
                                "Toronto",
                                TestHaven.ADMIN_PASSPHRASE)) {
                    assertFalse(line.contains(secret), "logged: " + line);
                }
            }
        }
    }

    /**
     * Verifies that with HAVEN_DB_URL the jar's code uses that PostgreSQL, creates its schema
     * there, and that /health turns 503 when that database goes away.
     */
    @Test
    void testExternalDatabaseIsUsedAndHealthFollowsIt(@TempDir Path dataDir) throws Exception {
        EmbeddedPostgres external = EmbeddedPostgres.builder().setPort(EmbeddedPort.free()).start();
        try {
            String url =
                    "postgresql://postgres:unused@localhost:" + external.getPort() + "/postgres";
            try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
                assertEquals(external.getPort(), haven.database().connectOptions().getPort());
                assertFalse(
                        Files.exists(dataDir.resolve("postgres")),
                        "embedded database started anyway");
                try (var c = external.getPostgresDatabase().getConnection();
                        var rs =
                                c.createStatement()
                                        .executeQuery(
                                                "SELECT count(*) FROM flyway_schema_history WHERE success")) {
                    rs.next();
                    assertTrue(rs.getInt(1) >= 1, "no migration recorded in the external database");
                }
                InboxClient client = new InboxClient(haven.port());
                assertEquals(200, client.get("/health").statusCode());
                external.close();
                HttpResponse<String> down = client.get("/health");
                assertEquals(503, down.statusCode());
                assertTrue(down.body().contains("\"database\":\"down\""));
            }
        } finally {
            external.close();
        }
    }

    private static String openCase(InboxClient inbox, String queuePage) throws Exception {
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queuePage);
        assertTrue(m.find(), "no case link in the queue");
        HttpResponse<String> page = inbox.get(m.group(1));
        assertEquals(200, page.statusCode());
        return page.body();
    }
}
