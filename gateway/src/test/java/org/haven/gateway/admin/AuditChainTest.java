package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.flywaydb.core.Flyway;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.Haven;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.AuditChain;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.Db;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyed hash chain of the audit log against a real PostgreSQL: appends under concurrency, the
 * database refusing edits, and {@code haven audit verify} naming the exact first break after a test
 * tampers with the log as a superuser (triggers skipped), with the database in hand but not the
 * server keys.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuditChainTest {
    @TempDir static Path dataDir;
    private static Vertx vertx;

    /**
     * A database Haven migrated and left empty: what each log starts as, copied (the migrations
     * took seconds each time).
     */
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

    /** The audit key of the server keys under the data dir the CLI is given. */
    private static KeyedHash key() throws Exception {
        return TestHaven.auditKey(dataDir);
    }

    /**
     * A migrated database holding {@code n} audit entries, appended one after the other in one
     * transaction (half the round trips of one each: the 2003 of a two-batch log took seconds);
     * returns its HAVEN_DB_URL. Haven opens it as usual: it finds the schema current.
     */
    private static String logWith(int n) throws Exception {
        String url = TestPostgres.copyOf(migrated);
        KeyedHash key = key();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            await(
                    db.pool()
                            .withTransaction(
                                    tx -> {
                                        AuditLog log = new AuditLog(Db.of(tx), key);
                                        Future<Void> appended = Future.succeededFuture();
                                        for (int i = 1; i <= n; i++) {
                                            int k = i;
                                            appended =
                                                    appended.compose(
                                                            v ->
                                                                    log.record(
                                                                            k % 2 == 0
                                                                                    ? "cora"
                                                                                    : "ada",
                                                                            k % 3 == 0
                                                                                    ? "case_view"
                                                                                    : "login",
                                                                            k % 3 == 0
                                                                                    ? UUID
                                                                                            .randomUUID()
                                                                                    : null));
                                        }
                                        return appended;
                                    }));
        }
        return url;
    }

    /** An audit log inside a caller's transaction. */
    private static AuditLog auditIn(SqlConnection tx) {
        try {
            return new AuditLog(Db.of(tx), key());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HavenCli.Run verify(String url) {
        return HavenCli.run(
                Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString()),
                "audit",
                "verify");
    }

    /** Verifies that an untouched log verifies, with its entry count. */
    @Test
    void testVerifySucceedsForIntactLog() throws Exception {
        HavenCli.Run run = verify(logWith(7));
        assertEquals(0, run.code(), run.toString());
        assertTrue(
                run.out().startsWith("audit log intact: 7 entries\nkeyed from entry 1, written "),
                run.toString());
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

    /**
     * Verifies that concurrent appends, from the pool and inside callers' transactions, never fork
     * the chain.
     */
    @Test
    void testConcurrentAppendsKeepOneChain() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                UUID caseId = UUID.randomUUID();
                if (i % 2 == 0) {
                    all.add(new AuditLog(db.db(), key()).record("ada", "case_view", caseId));
                } else {
                    all.add(
                            db.pool()
                                    .withTransaction(
                                            tx ->
                                                    tx.query("SELECT 1")
                                                            .execute()
                                                            .compose(
                                                                    v ->
                                                                            auditIn(tx)
                                                                                    .record(
                                                                                            "cora",
                                                                                            "reply",
                                                                                            caseId))));
                }
            }
            await(Future.all(all));
            AuditLog.Verification v = await(new AuditLog(db.db(), key()).verify());
            assertTrue(v.intact(), String.valueOf(v.firstBreak()));
            assertEquals(60, v.entries());
            assertEquals(1, v.keyedFrom());
        }
    }

    /** Verifies that the database itself refuses to update, delete or truncate audit entries. */
    @Test
    void testDatabaseRefusesEditsOfTheLog() throws Exception {
        String url = logWith(3);
        for (String sql :
                List.of(
                        "UPDATE audit_log SET actor = 'mallory' WHERE id = 2",
                        "DELETE FROM audit_log WHERE id = 3",
                        "TRUNCATE audit_log",
                        "UPDATE audit_head SET last_id = 1",
                        "UPDATE audit_head SET seal = NULL",
                        "UPDATE audit_log SET chain = 1 WHERE id = 3")) {
            SQLException e =
                    assertThrows(SQLException.class, () -> TestPostgres.execute(url, sql), sql);
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

    /**
     * Verifies that an entry rewritten with its hash recomputed in the published unkeyed format is
     * caught: a keyed entry comes before it.
     */
    @Test
    void testVerifyReportsEntryRewrittenInTheUnkeyedFormat() throws Exception {
        String url = logWith(5);
        rewrite(url, 3, 3, 3, Recipe.UNKEYED, Head.UNTOUCHED);
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(
                run.out()
                        .contains(
                                "BROKEN at entry 3 edited: it is not keyed, though entry 1 before it is"),
                run.toString());
    }

    /**
     * Verifies that a database writer who rewrites an entry's action and recomputes every hash
     * after it, and the head, with any recipe that lacks the audit key (the unkeyed format, or the
     * keyed format under a key of their own) is still caught, whether they leave the head's seal,
     * clear it, or rewrite the chain from its first entry.
     */
    @Test
    void testVerifyFindsRewrittenEntryWithWholeChainRecomputed() throws Exception {
        record Case(long from, Recipe recipe, Head head, String expected) {}
        for (Case c :
                List.of(
                        new Case(
                                3,
                                Recipe.UNKEYED,
                                Head.KEEP_SEAL,
                                "BROKEN at entry 3 edited: it is not keyed, though entry 1 before it is"),
                        new Case(
                                3,
                                Recipe.UNKEYED,
                                Head.CLEAR_SEAL,
                                "BROKEN at entry 3 edited: it is not keyed, though entry 1 before it is"),
                        new Case(
                                3,
                                Recipe.OWN_KEY,
                                Head.KEEP_SEAL,
                                "BROKEN at entry 3 edited: its contents (time, actor, action or case)"),
                        new Case(
                                3,
                                Recipe.OWN_KEY,
                                Head.CLEAR_SEAL,
                                "BROKEN at entry 3 edited: its contents (time, actor, action or case)"),
                        new Case(
                                1,
                                Recipe.OWN_KEY,
                                Head.KEEP_SEAL,
                                "BROKEN at entry 1 edited: its contents (time, actor, action or case)"),
                        new Case(
                                1,
                                Recipe.UNKEYED,
                                Head.KEEP_SEAL,
                                "BROKEN at entry 6 edited: the chain head's seal does not verify"),
                        new Case(
                                1,
                                Recipe.UNKEYED,
                                Head.OWN_SEAL,
                                "BROKEN at entry 6 edited: the chain head's seal does not verify"))) {
            String url = logWith(6);
            rewrite(url, c.from(), Long.MAX_VALUE, 3, c.recipe(), c.head());
            HavenCli.Run run = verify(url);
            assertEquals(1, run.code(), c + "\n" + run);
            assertTrue(run.out().contains(c.expected()), c + "\n" + run);
        }
    }

    /**
     * Verifies that the inbox's audit page finds the break too: a running Haven, its log rewritten
     * from entry 2 on in the unkeyed format, head moved to match.
     */
    @Test
    void testAuditPageFindsRewrittenEntries(@TempDir Path havenDir) throws Exception {
        String url = TestPostgres.newDatabase();
        try (Haven haven = TestHaven.start(havenDir, Map.of("HAVEN_DB_URL", url))) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            rewrite(url, 2, Long.MAX_VALUE, 2, Recipe.UNKEYED, Head.KEEP_SEAL);
            String page = admin.get("/inbox/audit").body();
            assertTrue(
                    page.contains(
                            "The hash chain is BROKEN at entry 2 edited: it is not keyed, though entry 1 before it is"),
                    page);
        }
    }

    /**
     * Verifies what the one rewrite that verify cannot tell from a log written before Haven keyed
     * it does: every entry in the unkeyed format and the head's seal removed. verify says the log
     * is not keyed (it never is once a Haven has started), and the next start keys it again with an
     * entry of its own and a warning in the server's log, which is where to look.
     */
    @Test
    void testWholeLogRewrittenUnkeyedShowsAsUnkeyedAndIsKeyedAgain() throws Exception {
        String url = logWith(6);
        rewrite(url, 1, Long.MAX_VALUE, 3, Recipe.UNKEYED, Head.CLEAR_SEAL);
        HavenCli.Run run = verify(url);
        assertEquals(0, run.code(), run.toString());
        assertTrue(
                run.out()
                        .contains(
                                "audit log intact: 6 entries\nNOT KEYED: no entry is sealed with the audit key yet"),
                run.toString());
        try (LogCapture logs = new LogCapture();
                Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            assertTrue(await(new AuditLog(db.db(), key()).keyChain()));
            assertTrue(
                    String.join("\n", logs.lines())
                            .contains("event=audit_chain_keyed unkeyed_entries=6 entry=7"),
                    logs.lines().toString());
            assertFalse(await(new AuditLog(db.db(), key()).keyChain()), "keyed twice");
        }
        HavenCli.Run again = verify(url);
        assertEquals(0, again.code(), again.toString());
        assertTrue(
                again.out().contains("audit log intact: 7 entries\nkeyed from entry 7, written "),
                again.toString());
        assertTrue(
                HavenCli.run(
                                Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString()),
                                "audit",
                                "list",
                                "--limit",
                                "1")
                        .out()
                        .contains("system:audit\taudit_chain_keyed:6"));
    }

    /**
     * Verifies that the head cannot be replaced with no entry touched: moved back over the last
     * entry (with or without deleting it), its hash or its seal replaced, its seal removed.
     */
    @Test
    void testVerifyFindsReplacedHead() throws Exception {
        record Case(String label, String expected, String... sql) {}
        for (Case c :
                List.of(
                        new Case(
                                "moved back",
                                "BROKEN at entry 6 past the chain head: the chain head names entry 5",
                                "UPDATE audit_head SET last_id = 5, last_hash = (SELECT hash FROM audit_log WHERE id = 5)"),
                        new Case(
                                "moved back over a deleted entry",
                                "BROKEN at entry 5 edited: the chain head's seal does not verify",
                                "DELETE FROM audit_log WHERE id = 6",
                                "UPDATE audit_head SET last_id = 5, last_hash = (SELECT hash FROM audit_log WHERE id = 5)"),
                        new Case(
                                "hash replaced",
                                "BROKEN at entry 6 edited: its hash does not match the chain head",
                                "UPDATE audit_head SET last_hash = sha256('x')"),
                        new Case(
                                "seal replaced",
                                "BROKEN at entry 6 edited: the chain head's seal does not verify",
                                "UPDATE audit_head SET seal = sha256('x')"),
                        new Case(
                                "seal removed",
                                "BROKEN at entry 6 edited: the chain head carries no seal after keyed entries",
                                "UPDATE audit_head SET seal = NULL"))) {
            String url = logWith(6);
            TestPostgres.tamper(url, c.sql());
            HavenCli.Run run = verify(url);
            assertEquals(1, run.code(), c.label() + "\n" + run);
            assertTrue(run.out().contains(c.expected()), c.label() + "\n" + run);
        }
    }

    /**
     * Verifies that a log checked with other server keys than it was written with fails, saying so.
     */
    @Test
    void testVerifyWithOtherServerKeysFails(@TempDir Path otherDataDir) throws Exception {
        String url = logWith(3);
        TestHaven.auditKey(otherDataDir);
        HavenCli.Run run =
                HavenCli.run(
                        Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", otherDataDir.toString()),
                        "audit",
                        "verify");
        assertEquals(1, run.code(), run.toString());
        assertTrue(
                run.out()
                        .contains(
                                "BROKEN at entry 1 edited: its contents (time, actor, action or case) do not match its hash"
                                        + " (or these are not the server keys the log was written with)"),
                run.toString());
    }

    /**
     * Verifies that a keyed entry and the head's seal are what docs/crypto.md says, computed here
     * from the server key file with the JDK's HMAC alone: HMAC-SHA256 under HKDF-SHA256(hash
     * secret, "haven/audit-key/v1") of the documented encoding.
     */
    @Test
    void testKeyedEntryFollowsTheDocumentedRecipe() throws Exception {
        String url = logWith(2);
        byte[] file = Files.readAllBytes(dataDir.resolve("secrets").resolve("server-keys"));
        ByteBuffer in = ByteBuffer.wrap(file, 5, file.length - 5);
        int keyringLength = in.getInt();
        in.position(
                in.position()
                        + keyringLength); // magic, version, the keyring: the hash secret follows
        byte[] hashSecret = new byte[in.getInt()];
        in.get(hashSecret);
        byte[] auditKey =
                hmac(
                        hmac(new byte[32], hashSecret),
                        "haven/audit-key/v1\u0001".getBytes(StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT l.id, l.at, l.actor, l.action, l.case_id, l.prev_hash, l.hash, l.chain,"
                                        + " h.last_hash, h.seal FROM audit_log l, audit_head h WHERE l.id = 2")) {
            rs.next();
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            m.writeBytes("haven-audit-v2".getBytes(StandardCharsets.US_ASCII));
            long micros =
                    ChronoUnit.MICROS.between(
                            Instant.EPOCH, rs.getObject(2, OffsetDateTime.class).toInstant());
            UUID caseId = rs.getObject(5, UUID.class);
            for (byte[] f :
                    new byte[][] {
                        "2".getBytes(StandardCharsets.US_ASCII),
                        Long.toString(micros).getBytes(StandardCharsets.US_ASCII),
                        rs.getString(3).getBytes(StandardCharsets.UTF_8),
                        rs.getString(4).getBytes(StandardCharsets.UTF_8),
                        caseId == null
                                ? null
                                : caseId.toString().getBytes(StandardCharsets.US_ASCII),
                        rs.getBytes(6)
                    }) {
                m.writeBytes(ByteBuffer.allocate(4).putInt(f == null ? -1 : f.length).array());
                m.writeBytes(f == null ? new byte[0] : f);
            }
            assertEquals(2, rs.getInt(8));
            assertArrayEquals(hmac(auditKey, m.toByteArray()), rs.getBytes(7));
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            h.writeBytes("haven-audit-head-v2".getBytes(StandardCharsets.US_ASCII));
            h.writeBytes(new byte[] {0, 0, 0, 1, '2', 0, 0, 0, 32});
            h.writeBytes(rs.getBytes(9));
            assertArrayEquals(hmac(auditKey, h.toByteArray()), rs.getBytes(10));
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** How a tampering test recomputes hashes: without the audit key, either way. */
    private enum Recipe {
        UNKEYED,
        OWN_KEY
    }

    /** What a tampering test does to the head's seal after moving the head to its own last hash. */
    private enum Head {
        UNTOUCHED,
        KEEP_SEAL,
        CLEAR_SEAL,
        OWN_SEAL
    }

    private static final KeyedHash MALLORY =
            new KeyedHash("mallory's own key, 32 bytes long".getBytes(StandardCharsets.US_ASCII));

    /**
     * As a superuser with the triggers off: sets entry {@code target}'s action to "nothing" and
     * recomputes the hashes of entries {@code from} to {@code to} with {@code recipe}, relinking
     * each to the one before it and the entry after them to the last; then (unless UNTOUCHED)
     * points the head at the new last hash.
     */
    /**
     * Waits until nothing more is appended to the log: an entry a gateway writes after its answer
     * (a login's) would otherwise land between reading the entries and pointing the head at the
     * last one read, and the head would go back over it (the next entry then collides with it,
     * which the page shows as an error instead of the broken chain).
     */
    private static void quiet(String url) throws Exception {
        long last = -1;
        for (int i = 0; i < 100; i++) {
            long now;
            try (Connection c =
                            DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM audit_log")) {
                rs.next();
                now = rs.getLong(1);
            }
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(300);
        }
    }

    private static void rewrite(
            String url, long from, long to, long target, Recipe recipe, Head head)
            throws Exception {
        quiet(url);
        List<String> sql = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        byte[] prev = null;
        long last = 0;
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT id, at, actor, action, case_id, prev_hash FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                long n = rs.getLong(1);
                if (n < from) {
                    continue;
                }
                if (n > to) {
                    sql.add(
                            "UPDATE audit_log SET prev_hash = '\\x"
                                    + hex.formatHex(prev)
                                    + "' WHERE id = "
                                    + n);
                    break;
                }
                byte[] link = prev == null ? rs.getBytes(6) : prev;
                String action = n == target ? "nothing" : rs.getString(4);
                OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
                UUID caseId = rs.getObject(5, UUID.class);
                prev =
                        recipe == Recipe.UNKEYED
                                ? AuditChain.unkeyedHash(
                                        n, at, rs.getString(3), action, caseId, link)
                                : AuditChain.keyedHash(
                                        MALLORY, n, at, rs.getString(3), action, caseId, link);
                sql.add(
                        "UPDATE audit_log SET action = '"
                                + action
                                + "', chain = "
                                + (recipe == Recipe.UNKEYED ? 1 : 2)
                                + ", prev_hash = '\\x"
                                + hex.formatHex(link)
                                + "', hash = '\\x"
                                + hex.formatHex(prev)
                                + "' WHERE id = "
                                + n);
                last = n;
            }
        }
        if (head != Head.UNTOUCHED) {
            String seal =
                    switch (head) {
                        case CLEAR_SEAL -> ", seal = NULL";
                        case OWN_SEAL ->
                                ", seal = '\\x"
                                        + hex.formatHex(AuditChain.headSeal(MALLORY, last, prev))
                                        + "'";
                        default -> "";
                    };
            sql.add(
                    "UPDATE audit_head SET last_id = "
                            + last
                            + ", last_hash = '\\x"
                            + hex.formatHex(prev)
                            + "'"
                            + seal);
        }
        // the one-successor constraint would see the relinked chain half-way
        sql.add(0, "ALTER TABLE audit_log DROP CONSTRAINT audit_log_one_successor");
        sql.add("ALTER TABLE audit_log ADD CONSTRAINT audit_log_one_successor UNIQUE (prev_hash)");
        TestPostgres.tamper(url, sql.toArray(new String[0]));
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
        assertTrue(
                run.out()
                        .contains(
                                "BROKEN at entry 5 missing (deleted): entries 5 to 6 at the end are gone"),
                run.toString());
    }

    /** Verifies that two entries swapped in order are reported as reordered. */
    @Test
    void testVerifyReportsReorderedEntries() throws Exception {
        String url = logWith(6);
        TestPostgres.tamper(
                url,
                "UPDATE audit_log SET id = -4 WHERE id = 4",
                "UPDATE audit_log SET id = 4 WHERE id = 5",
                "UPDATE audit_log SET id = 5 WHERE id = -4");
        HavenCli.Run run = verify(url);
        assertEquals(1, run.code(), run.toString());
        assertTrue(
                run.out()
                        .contains(
                                "BROKEN at entry 4 reordered: it was written right after entry 5"),
                run.toString());
    }

    /**
     * Verifies that entries written before the chain existed are chained by the migration, and
     * verify.
     */
    @Test
    void testMigrationChainsExistingEntries() throws Exception {
        String url = TestPostgres.newDatabase();
        DatabaseUrl db = DatabaseUrl.parse(url);
        Flyway.configure()
                .locations("classpath:db/migration")
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .target("3")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO audit_log (actor, action) VALUES ('ada', 'login'), ('ada', 'logout'), ('bob', 'login')");
            st.execute("DELETE FROM audit_log WHERE actor = 'bob'"); // a gap in the old ids
            st.execute(
                    "INSERT INTO audit_log (actor, action, case_id) VALUES ('ada', 'case_view', gen_random_uuid())");
        }
        HavenCli.Run run = verify(url); // migrates the rest, then verifies
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("audit log intact: 3 entries\nNOT KEYED"), run.toString());
        try (Database opened = Database.open(vertx, Optional.of(db), dataDir)) {
            await(new AuditLog(opened.db(), key()).record("ada", "login", null));
            AuditLog.Verification v = await(new AuditLog(opened.db(), key()).verify());
            assertTrue(v.intact(), String.valueOf(v.firstBreak()));
            assertEquals(5, v.entries()); // the three old ones, the keying entry, the login
            assertEquals(4, v.keyedFrom());
            assertEquals(
                    List.of(
                            new AuditLog.Entry(
                                    4, v.keyedAt(), "system:audit", "audit_chain_keyed:3", null)),
                    await(
                            AuditLog.list(
                                    opened.db(),
                                    new AuditLog.Query(
                                            null, "audit_chain_keyed", null, null, null, 10))));
        }
        // the old entries are fixed now: rewritten in their own (unkeyed) format, the keyed entry
        // after them no longer links
        rewrite(url, 2, 3, 2, Recipe.UNKEYED, Head.UNTOUCHED);
        HavenCli.Run broken = verify(url);
        assertEquals(1, broken.code(), broken.toString());
        assertTrue(
                broken.out().contains("BROKEN at entry 4 edited: its contents"), broken.toString());
    }
}
