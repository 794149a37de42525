package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.AuditChain;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hash-chained audit log against a real PostgreSQL: appends under concurrency, the database
 * refusing edits, and {@code haven audit verify} naming the exact first break after a test
 * tampers with the log as a superuser (triggers skipped).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuditChainTest {
    @TempDir
    static Path dataDir;
    private static Vertx vertx;
    /** A database Haven migrated and left empty: what each log starts as, copied (the migrations took seconds each time). */
    private static String migrated;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        migrated = TestPostgres.newDatabase();
        Database.open(vertx, Optional.of(DatabaseUrl.parse(migrated)), dataDir).close();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * A migrated database holding {@code n} audit entries, appended one after the other in one
     * transaction (half the round trips of one each: the 2003 of a two-batch log took seconds);
     * returns its HAVEN_DB_URL. Haven opens it as usual: it finds the schema current.
     */
    private static String logWith(int n) throws Exception {
        String url = TestPostgres.copyOf(migrated);
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            await(db.pool().withTransaction(tx -> {
                AuditLog log = new AuditLog(tx);
                Future<Void> appended = Future.succeededFuture();
                for (int i = 1; i <= n; i++) {
                    int k = i;
                    appended = appended.compose(v -> log.record(k % 2 == 0 ? "cora" : "ada", k % 3 == 0 ? "case_view" : "login",
                            k % 3 == 0 ? UUID.randomUUID() : null));
                }
                return appended;
            }));
        }
        return url;
    }

    private static HavenCli.Run verify(String url) {
        return HavenCli.run(Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString()), "audit", "verify");
    }

    /** Verifies that an untouched log verifies, with its entry count. */
    @Test
    void testVerifySucceedsForIntactLog() throws Exception {
        HavenCli.Run run = verify(logWith(7));
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("audit log intact: 7 entries\n"), run.toString());
    }

    /** Verifies that the walk goes on past one batch of rows, and finds a break in the second. */
    @Test
    void testVerifyWalksPastOneBatch() throws Exception {
        String url = logWith(2003);
        HavenCli.Run intact = verify(url);
        assertTrue(intact.out().startsWith("audit log intact: 2003 entries"), intact.toString());
        TestPostgres.tamper(url, "UPDATE audit_log SET case_id = NULL WHERE id = 2001");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 2001 edited"), run.toString());
    }

    /** Verifies that an empty log verifies. */
    @Test
    void testVerifySucceedsForEmptyLog() throws Exception {
        HavenCli.Run run = verify(logWith(0));
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("audit log intact: 0 entries"), run.toString());
    }

    /** Verifies that concurrent appends, from the pool and inside callers' transactions, never fork the chain. */
    @Test
    void testConcurrentAppendsKeepOneChain() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                UUID caseId = UUID.randomUUID();
                if (i % 2 == 0) {
                    all.add(new AuditLog(db.pool()).record("ada", "case_view", caseId));
                } else {
                    all.add(db.pool().withTransaction(tx -> tx.query("SELECT 1").execute()
                            .compose(v -> new AuditLog(tx).record("cora", "reply", caseId))));
                }
            }
            await(Future.all(all));
            AuditLog.Verification v = await(new AuditLog(db.pool()).verify());
            assertTrue(v.intact(), String.valueOf(v.firstBreak()));
            assertEquals(60, v.entries());
        }
    }

    /** Verifies that the database itself refuses to update, delete or truncate audit entries. */
    @Test
    void testDatabaseRefusesEditsOfTheLog() throws Exception {
        String url = logWith(3);
        for (String sql : List.of("UPDATE audit_log SET actor = 'mallory' WHERE id = 2", "DELETE FROM audit_log WHERE id = 3",
                "TRUNCATE audit_log", "UPDATE audit_head SET last_id = 1")) {
            SQLException e = assertThrows(SQLException.class, () -> TestPostgres.execute(url, sql), sql);
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
        assertEquals(0, verify(url).code());
    }

    /** Verifies that an edited entry is reported as edited, by its id. */
    @Test
    void testVerifyReportsEditedEntry() throws Exception {
        String url = logWith(6);
        TestPostgres.tamper(url, "UPDATE audit_log SET actor = 'mallory' WHERE id = 4");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 4 edited: its contents"), run.toString());
        assertTrue(run.out().contains("(3 entries verified before it)"), run.toString());
    }

    /** Verifies that an entry whose time was moved is reported as edited. */
    @Test
    void testVerifyReportsEditedTime() throws Exception {
        String url = logWith(4);
        TestPostgres.tamper(url, "UPDATE audit_log SET at = at - interval '1 day' WHERE id = 2");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("entry 2 edited"), run.toString());
    }

    /** Verifies that an entry edited with its hash recomputed is still caught: the next one no longer links to it. */
    @Test
    void testVerifyReportsEditedEntryWithRecomputedHash() throws Exception {
        String url = logWith(5);
        byte[] forged;
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
             Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT at, prev_hash FROM audit_log WHERE id = 3")) {
            rs.next();
            forged = AuditChain.hash(3, rs.getObject(1, java.time.OffsetDateTime.class), "ada", "nothing", null, rs.getBytes(2));
        }
        TestPostgres.tamper(url, "UPDATE audit_log SET actor = 'ada', action = 'nothing', case_id = NULL, hash = '\\x"
                + java.util.HexFormat.of().formatHex(forged) + "' WHERE id = 3");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 3 edited: its hash was rewritten: entry 4 no longer links to it"),
                run.toString());
    }

    /** Verifies that a deleted entry in the middle is reported missing, by its id. */
    @Test
    void testVerifyReportsDeletedEntry() throws Exception {
        String url = logWith(6);
        TestPostgres.tamper(url, "DELETE FROM audit_log WHERE id = 3");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 3 missing (deleted)"), run.toString());
    }

    /** Verifies that deleting the newest entries is caught by the chain head. */
    @Test
    void testVerifyReportsDeletedLastEntries() throws Exception {
        String url = logWith(6);
        TestPostgres.tamper(url, "DELETE FROM audit_log WHERE id >= 5");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 5 missing (deleted): entries 5 to 6 at the end are gone"), run.toString());
    }

    /** Verifies that two entries swapped in order are reported as reordered. */
    @Test
    void testVerifyReportsReorderedEntries() throws Exception {
        String url = logWith(6);
        TestPostgres.tamper(url, "UPDATE audit_log SET id = -4 WHERE id = 4", "UPDATE audit_log SET id = 4 WHERE id = 5",
                "UPDATE audit_log SET id = 5 WHERE id = -4");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("BROKEN at entry 4 reordered: it was written right after entry 5"), run.toString());
    }

    /** Verifies that entries written before the chain existed are chained by the migration, and verify. */
    @Test
    void testMigrationChainsExistingEntries() throws Exception {
        String url = TestPostgres.newDatabase();
        DatabaseUrl db = DatabaseUrl.parse(url);
        Flyway.configure().locations("classpath:db/migration").dataSource(db.jdbcUrl(), db.user(), db.password()).target("3")
                .load().migrate();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO audit_log (actor, action) VALUES ('ada', 'login'), ('ada', 'logout'), ('bob', 'login')");
            st.execute("DELETE FROM audit_log WHERE actor = 'bob'");   // a gap in the old ids
            st.execute("INSERT INTO audit_log (actor, action, case_id) VALUES ('ada', 'case_view', gen_random_uuid())");
        }
        HavenCli.Run run = verify(url);   // migrates the rest, then verifies
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("audit log intact: 3 entries"), run.toString());
        try (Database opened = Database.open(vertx, Optional.of(db), dataDir)) {
            await(new AuditLog(opened.pool()).record("ada", "login", null));
            AuditLog.Verification v = await(new AuditLog(opened.pool()).verify());
            assertTrue(v.intact());
            assertEquals(4, v.entries());
        }
    }
}
