package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and the audit trail of a whole coordinator's path, on the embedded database: two cases
 * are closed, one of them beyond the retention period; the purge deletes that one and everything of
 * it from the database, keeps the other, and every step is in a chain that verifies, from the
 * inbox's audit page and from {@code haven audit verify} once the server stopped.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RetentionTest {
    private static final Pattern CASE_PATH =
            Pattern.compile("href=\"/inbox/cases/([0-9a-f-]{36})\"");

    private static final String PASS = "a long enough passphrase";

    @TempDir Path dataDir;

    /**
     * Verifies that a case closed beyond the period is gone from a dump after the purge, and one
     * closed inside it remains.
     */
    @Test
    void testPurgeDeletesOnlyCasesClosedBeyondThePeriod() throws Exception {
        Map<String, String> cliEnv = Map.of("HAVEN_DATA_DIR", dataDir.toString());
        UUID oldCase;
        UUID newCase;
        String oldMarker = "old-" + UUID.randomUUID();
        String newMarker = "new-" + UUID.randomUUID();
        LogCapture logs = new LogCapture();
        try (logs;
                // the embedded database: the command line is refused while the server holds it
                Haven haven = TestHaven.start(dataDir, TestHaven.embedded(Map.of()))) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            IntakeDriver.completeIntake(haven.port(), oldMarker);
            IntakeDriver.completeIntake(haven.port(), newMarker);
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(
                        chat, List.of("HUMAN", "delete")); // a case, then the person deletes it
            }
            oldCase = caseId(admin, oldMarker);
            newCase = caseId(admin, newMarker);
            close(admin, oldCase);
            close(admin, newCase);

            PgConnectOptions db = haven.database().connectOptions();
            UUID oldConversation = conversationOf(db, oldCase);
            execute(
                    db,
                    "UPDATE cases SET closed_at = now() - interval '400 days' WHERE id = ?",
                    oldCase);
            String before = DatabaseDump.dump(db);
            assertTrue(
                    before.contains(oldCase.toString())
                            && before.contains(oldConversation.toString()));

            // the command line cannot open the embedded database while the server holds it
            HavenCli.Run locked = HavenCli.run(cliEnv, "retention", "purge");
            assertEquals(1, locked.code(), locked.toString());
            assertTrue(
                    locked.err()
                            .contains("is in use by a running Haven server: stop the server first"),
                    locked.toString());

            Retention.Purge purge =
                    new Retention(haven.database().db(), 365, TestHaven.auditKey(dataDir))
                            .purge(false, "system:retention")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
            assertEquals(1, purge.cases());
            assertEquals(1, purge.conversations());

            String after = withoutAuditLog(DatabaseDump.dump(db));
            assertFalse(
                    after.contains(oldCase.toString()), "the purged case is still in the database");
            assertFalse(
                    after.contains(oldConversation.toString()),
                    "the purged case's conversation is still in the database");
            assertTrue(
                    after.contains(newCase.toString()),
                    "the case closed inside the period was purged");
            assertEquals(
                    count(db, "SELECT count(*) FROM case_entries WHERE case_id = ?", oldCase), 0);
            assertEquals(
                    count(db, "SELECT count(*) FROM entry_keys WHERE case_id = ?", oldCase), 0);
            assertEquals(
                    count(
                            db,
                            "SELECT count(*) FROM outbox WHERE conversation_id = ?",
                            oldConversation),
                    0);
            assertTrue(
                    count(db, "SELECT count(*) FROM case_entries WHERE case_id = ?", newCase) > 0);

            // the audit page: chain verifies, the purge (a count only) and the coordinator's steps
            // are there
            String page = admin.get("/inbox/audit").body();
            assertTrue(page.contains("The hash chain verifies"), page);
            assertTrue(page.contains("retention_purge:1"), page);
            String closed = admin.get("/inbox/audit?action=status_closed").body();
            assertEquals(2, occurrences(closed, "<td>status_closed</td>"), closed);
            String ofOld = admin.get("/inbox/audit?case=" + oldCase).body();
            for (String action : new String[] {"case_created", "case_view", "status_closed"}) {
                assertTrue(
                        ofOld.contains("<td>" + action + "</td>"), action + " missing: " + ofOld);
            }
            assertFalse(ofOld.contains(newCase.toString().substring(0, 8) + "…"));
            HttpResponse<String> bad = admin.get("/inbox/audit?case=HV-123&from=yesterday");
            assertEquals(400, bad.statusCode());
            assertTrue(
                    admin.get("/inbox/audit?from=2000-01-01&to=2999-12-31&actor=ada")
                            .body()
                            .contains("<td>login</td>"));
            assertTrue(
                    admin.get("/inbox").body().contains("href=\"/inbox/audit\""),
                    "no link to the audit page for admins");

            // a coordinator may not read the audit log
            String team = admin.get("/inbox/team").body();
            HttpResponse<String> created =
                    admin.postWithCsrf(
                            team,
                            "/inbox/team/accounts",
                            "username",
                            "cora",
                            "role",
                            "coordinator",
                            "passphrase",
                            PASS,
                            "confirm",
                            PASS,
                            "agency",
                            "",
                            "group",
                            "toronto");
            assertEquals(200, created.statusCode());
            TestHaven.enrol(haven.port(), dataDir, "cora", PASS);
            InboxClient cora = TestHaven.loggedIn(haven.port(), dataDir, "cora");
            assertEquals(403, cora.get("/inbox/audit").statusCode());
            assertFalse(cora.get("/inbox").body().contains("href=\"/inbox/audit\""));
            assertEquals(
                    302,
                    cora.postWithCsrf(cora.get("/inbox").body(), "/inbox/logout").statusCode());
        }
        // with the server stopped, the same commands open the embedded database themselves
        HavenCli.Run verify = HavenCli.run(cliEnv, "audit", "verify");
        assertEquals(0, verify.code(), verify.toString());
        assertTrue(verify.out().startsWith("audit log intact: "), verify.toString());
        HavenCli.Run list = HavenCli.run(cliEnv, "audit", "list", "--case", oldCase.toString());
        assertTrue(
                list.out().contains("\tsystem:intake\tcase_created\t" + oldCase), list.toString());
        assertTrue(
                HavenCli.run(cliEnv, "audit", "list", "--action", "logout")
                        .out()
                        .contains("\tcora\tlogout\t-"));
        assertTrue(
                HavenCli.run(cliEnv, "audit", "list", "--actor", "person")
                        .out()
                        .contains("\tperson\tcase_deleted_by_person\t"));
        for (String line : logs.lines()) {
            assertFalse(
                    line.contains(oldMarker) || line.contains(newMarker) || line.contains("Syria"),
                    "personal data logged: " + line);
        }
        HavenCli.Run dry = HavenCli.run(cliEnv, "retention", "purge", "--dry-run");
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(dry.out().startsWith("would delete 0 closed case(s)"), dry.toString());
    }

    private static UUID caseId(InboxClient admin, String marker) throws Exception {
        String page = admin.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = CASE_PATH.matcher(page);
        assertTrue(m.find(), "case not found by its marker");
        return UUID.fromString(m.group(1));
    }

    private static void close(InboxClient admin, UUID caseId) throws Exception {
        String path = "/inbox/cases/" + caseId;
        String page = admin.get(path).body();
        HttpResponse<String> r = admin.postWithCsrf(page, path + "/status", "status", "closed");
        assertEquals(302, r.statusCode(), r.body());
    }

    private static String withoutAuditLog(String dump) {
        // audit entries keep the ids of purged cases (identifiers only, never content): by design
        int start = dump.indexOf("-- audit_log\n");
        if (start < 0) {
            return dump;
        }
        int end = dump.indexOf("\n-- ", start + 1);
        return dump.substring(0, start) + (end < 0 ? "" : dump.substring(end + 1));
    }

    private static int occurrences(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Connection connect(PgConnectOptions o) throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(),
                o.getUser(),
                o.getPassword() == null ? "" : o.getPassword());
    }

    private static void execute(PgConnectOptions o, String sql, Object param) throws Exception {
        try (Connection c = connect(o);
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, param);
            assertEquals(1, st.executeUpdate());
        }
    }

    private static long count(PgConnectOptions o, String sql, Object param) throws Exception {
        try (Connection c = connect(o);
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, param);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static UUID conversationOf(PgConnectOptions o, UUID caseId) throws Exception {
        try (Connection c = connect(o);
                PreparedStatement st =
                        c.prepareStatement("SELECT conversation_id FROM cases WHERE id = ?")) {
            st.setObject(1, caseId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
