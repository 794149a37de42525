package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.Haven;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FullPassphraseCost;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everyone chooses their own passphrase: the one an administrator sets is one-time and the first
 * login must replace it before anything else; anyone changes theirs at {@code /inbox/passphrase}. A
 * change re-wraps the personal key (same key pair, same grants, a new box), and a login raises an
 * old Argon2id cost. Real Haven, real PostgreSQL, real HTTP; what is stored is checked the way
 * someone holding the database and an old passphrase would check it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(FullPassphraseCost.class)
class PassphraseTest {
    // one set per account: the database check tries every box in the database with the old
    // passphrase
    private static final String ABE_ONE_TIME_PASS = "set for abe by the administrator";
    private static final String ABE_PASS = "only abe knows these words";
    private static final String CORA_ONE_TIME_PASS = "set for cora by the administrator";
    private static final String CORA_PASS = "only cora knows these words";
    private static final String CORA_NEXT_PASS = "and later on cora's other words";
    private static final String OLGA_ONE_TIME_PASS = "set for olga by the administrator";
    private static final String OLGA_PASS = "only olga knows these words";
    private static final String ADA_NEXT_PASS = "what ada would have changed to";
    private static final String MILO_ONE_TIME_PASS = "set for milo by the administrator";
    private static final String MILO_PASS = "milo's words from before the upgrade";
    private static final String MILO_NEXT_PASS = "milo's words chosen after the upgrade";
    private static final Pattern BOX = Pattern.compile("48564e5001[0-9a-f]{60,}");

    @TempDir static Path dataDir;
    private static Haven haven;
    private static PgConnectOptions db;

    @BeforeAll
    static void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of());
        db = haven.database().connectOptions();
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /**
     * Verifies that an administrator's first login with the one-time passphrase another set goes to
     * "choose your own passphrase" and nothing else works until it is done (pages, an admin
     * action); that too short, mismatched, unchanged choices and a wrong one-time passphrase change
     * nothing; that the chosen one then leads to second-factor enrolment and opens cases with the
     * same key pair and grants under a new box at the current cost; and that the one-time
     * passphrase then logs in nowhere and opens no box the database holds.
     */
    @Test
    void testFirstLoginMustChooseOwnPassphraseBeforeAnythingElse() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            InboxClient admin = TestHaven.loggedIn(haven);
            addAccount(admin, "abe", "admin", null, ABE_ONE_TIME_PASS);
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            Stored before = stored("abe");
            assertTrue(before.oneTime());
            String teamKey = teamKeyId();

            InboxClient abe = new InboxClient(haven.port());
            assertRedirect(abe.login("abe", ABE_ONE_TIME_PASS, ""), "/inbox/passphrase");
            for (String page :
                    List.of(
                            "/inbox",
                            "/inbox/totp",
                            "/inbox/team",
                            "/inbox/audit",
                            "/inbox/dashboard",
                            "/inbox?queue=new&q=" + marker)) {
                assertRedirect(abe.get(page), "/inbox/passphrase");
            }
            String form = abe.get("/inbox/passphrase").body();
            assertTrue(
                    form.contains("Choose your own passphrase")
                            && form.contains("The passphrase you were given"),
                    form);
            assertFalse(
                    form.contains("href=\"/inbox/team\""),
                    "the menu is shown before the passphrase is chosen");
            assertRedirect(abe.postWithCsrf(form, "/inbox/team/rotate"), "/inbox/passphrase");
            assertEquals(
                    teamKey,
                    teamKeyId(),
                    "a session with a one-time passphrase rotated the team key");

            assertRefused(
                    abe.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            ABE_ONE_TIME_PASS,
                            "passphrase",
                            "too short",
                            "confirm",
                            "too short"),
                    "at least 12 characters");
            assertRefused(
                    abe.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            ABE_ONE_TIME_PASS,
                            "passphrase",
                            ABE_PASS,
                            "confirm",
                            ABE_PASS + "."),
                    "The two new passphrases differ.");
            assertRefused(
                    abe.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            ABE_ONE_TIME_PASS,
                            "passphrase",
                            ABE_ONE_TIME_PASS,
                            "confirm",
                            ABE_ONE_TIME_PASS),
                    "other than the current one");
            assertRefused(
                    abe.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            "not what I was given",
                            "passphrase",
                            ABE_PASS,
                            "confirm",
                            ABE_PASS),
                    "That is not your current passphrase. Nothing was changed.");
            assertEquals(before, stored("abe"), "a refused choice changed what is stored");

            assertRedirect(
                    abe.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            ABE_ONE_TIME_PASS,
                            "passphrase",
                            ABE_PASS,
                            "confirm",
                            ABE_PASS),
                    "/inbox/totp");
            TestHaven.enrolSecondFactor(abe, dataDir, "abe", ABE_PASS);
            assertEquals(200, abe.get("/inbox/team").statusCode());

            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "abe",
                                    ABE_ONE_TIME_PASS,
                                    TestHaven.credentials(dataDir, "abe").nextCode())
                            .statusCode(),
                    "the one-time passphrase still logs in");
            InboxClient again = TestHaven.loggedIn(haven.port(), dataDir, "abe");
            assertTrue(
                    again.get(casePath(again, marker)).body().contains(marker),
                    "the chosen passphrase does not open the case");

            assertRewrapped(before, stored("abe"), ABE_ONE_TIME_PASS, ABE_PASS);
            assertEquals(
                    List.of(
                            List.of("abe", "passphrase_change_failed"),
                            List.of("abe", "passphrase_changed")),
                    DatabaseDump.query(
                            db,
                            "SELECT actor, action FROM audit_log WHERE action LIKE 'passphrase%' AND actor = 'abe'"
                                    + " ORDER BY id"));
            assertNoPassphraseIn(logs, ABE_ONE_TIME_PASS, ABE_PASS);
        }
    }

    /**
     * Verifies that a coordinator changes her passphrase in the inbox: the session she changed it
     * in goes on, her other session ends, the old passphrase no longer logs in or opens any box the
     * database holds, and the new one opens her cases through the same grants.
     */
    @Test
    void testChangeInInboxRewrapsKeyAndEndsOtherSessions() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            InboxClient admin = TestHaven.loggedIn(haven);
            addAccount(admin, "cora", "coordinator", "toronto", CORA_ONE_TIME_PASS);
            TestHaven.enrol(haven.port(), dataDir, "cora", CORA_ONE_TIME_PASS, CORA_PASS);
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            InboxClient here = TestHaven.loggedIn(haven.port(), dataDir, "cora");
            InboxClient there = TestHaven.loggedIn(haven.port(), dataDir, "cora");
            Stored before = stored("cora");
            assertFalse(before.oneTime());

            assertTrue(
                    here.get("/inbox").body().contains("href=\"/inbox/settings\""),
                    "no link to the settings");
            assertTrue(
                    here.get("/inbox/settings").body().contains("href=\"/inbox/passphrase\""),
                    "no link to change the passphrase");
            String form = here.get("/inbox/passphrase").body();
            assertTrue(
                    form.contains("Change your passphrase")
                            && form.contains("Your current passphrase"),
                    form);
            assertRedirect(
                    here.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            CORA_PASS,
                            "passphrase",
                            CORA_NEXT_PASS,
                            "confirm",
                            CORA_NEXT_PASS),
                    "/inbox/passphrase?m=changed");
            assertTrue(
                    here.get("/inbox/passphrase?m=changed")
                            .body()
                            .contains("Your passphrase is changed."));
            assertEquals(
                    200,
                    here.get("/inbox").statusCode(),
                    "the session the change was made in ended");
            assertRedirect(there.get("/inbox"), "/inbox/login");

            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "cora",
                                    CORA_PASS,
                                    TestHaven.credentials(dataDir, "cora").nextCode())
                            .statusCode(),
                    "the old passphrase still logs in");
            TestHaven.rememberPassphrase(dataDir, "cora", CORA_NEXT_PASS);
            InboxClient after = TestHaven.loggedIn(haven.port(), dataDir, "cora");
            assertTrue(
                    after.get(casePath(after, marker)).body().contains(marker),
                    "the new passphrase does not open the case");
            assertRewrapped(before, stored("cora"), CORA_PASS, CORA_NEXT_PASS);
            assertEquals(
                    List.of(
                            List.of("cora", "passphrase_changed"),
                            List.of("cora", "passphrase_changed")),
                    DatabaseDump.query(
                            db,
                            "SELECT actor, action FROM audit_log WHERE action LIKE 'passphrase%' AND actor = 'cora'"
                                    + " ORDER BY id"));
            assertNoPassphraseIn(logs, CORA_ONE_TIME_PASS, CORA_PASS, CORA_NEXT_PASS);
        }
    }

    /**
     * Verifies that an account whose hash and personal key box were stored at the OWASP minimum
     * cost (as before issue 15) logs in, and that the login replaced both with ones at the current
     * cost, the same key inside.
     */
    @Test
    void testOldCostIsRaisedAtNextLogin() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            InboxClient admin = TestHaven.loggedIn(haven);
            addAccount(admin, "olga", "coordinator", "toronto", OLGA_ONE_TIME_PASS);
            TestHaven.enrol(haven.port(), dataDir, "olga", OLGA_ONE_TIME_PASS, OLGA_PASS);
            Stored current = stored("olga");
            byte[] raw = PassphraseBox.open(current.box(), OLGA_PASS.toCharArray());
            String oldHash = PassphraseHash.hash(OLGA_PASS.toCharArray(), Argon2Params.minimum());
            byte[] oldBox =
                    PassphraseBox.seal(raw, OLGA_PASS.toCharArray(), Argon2Params.minimum());
            DatabaseDump.query(
                    db,
                    "UPDATE accounts SET passphrase_hash = '"
                            + oldHash
                            + "', sealed_private_key = '\\x"
                            + HexFormat.of().formatHex(oldBox)
                            + "' WHERE username = 'olga' RETURNING id");
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);

            InboxClient olga = TestHaven.loggedIn(haven.port(), dataDir, "olga");
            assertTrue(olga.get(casePath(olga, marker)).body().contains(marker));
            Stored raised = stored("olga");
            Argon2Params target = Argon2Params.defaults();
            assertTrue(
                    raised.hash()
                            .startsWith(
                                    "$argon2id$v=19$m="
                                            + target.memoryKiB()
                                            + ",t="
                                            + target.iterations()
                                            + ",p="
                                            + target.parallelism()
                                            + "$"),
                    raised.hash());
            assertTrue(PassphraseHash.verify(raised.hash(), OLGA_PASS.toCharArray()));
            assertEquals(target, PassphraseBox.params(raised.box()));
            assertEquals(
                    HexFormat.of().formatHex(raw),
                    HexFormat.of()
                            .formatHex(PassphraseBox.open(raised.box(), OLGA_PASS.toCharArray())));
            assertEquals(current.publicKey(), raised.publicKey());
            assertEquals(current.grants(), raised.grants());
            String id =
                    DatabaseDump.query(db, "SELECT id FROM accounts WHERE username = 'olga'")
                            .get(0)
                            .get(0);
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(
                                    l ->
                                            l.contains(
                                                    "event=passphrase_cost_raised account="
                                                            + id
                                                            + " stored=true")),
                    "no log line for the raised cost");
            assertNoPassphraseIn(logs, OLGA_ONE_TIME_PASS, OLGA_PASS);
        }
    }

    /**
     * Verifies that a wrong current passphrase changes nothing and counts as a failed login for the
     * client: after ten, both the change and a login from that browser are refused for a while
     * (429), even with the right passphrase; another browser is not stopped by them. On a Haven of
     * its own, as the throttle would refuse other tests' logins.
     */
    @Test
    void testWrongCurrentPassphraseChangesNothingAndCountsTowardLoginThrottle(
            @TempDir Path otherDir) throws Exception {
        try (Haven other =
                TestHaven.start(otherDir, Map.of("HAVEN_DB_URL", TestPostgres.newDatabase()))) {
            TestHaven.setUpAdmin(other);
            PgConnectOptions otherDb = other.database().connectOptions();
            InboxClient ada = TestHaven.loggedIn(other);
            Stored before = stored(otherDb, TestHaven.ADMIN);
            String form = ada.get("/inbox/passphrase").body();
            for (int i = 0; i < 10; i++) {
                assertRefused(
                        ada.postWithCsrf(
                                form,
                                "/inbox/passphrase",
                                "current",
                                "a guess at the passphrase " + i,
                                "passphrase",
                                ADA_NEXT_PASS,
                                "confirm",
                                ADA_NEXT_PASS),
                        "That is not your current passphrase. Nothing was changed.");
            }
            HttpResponse<String> throttled =
                    ada.postWithCsrf(
                            form,
                            "/inbox/passphrase",
                            "current",
                            TestHaven.ADMIN_PASSPHRASE,
                            "passphrase",
                            ADA_NEXT_PASS,
                            "confirm",
                            ADA_NEXT_PASS);
            assertEquals(429, throttled.statusCode());
            assertEquals(
                    429,
                    ada.login(
                                    TestHaven.ADMIN,
                                    TestHaven.ADMIN_PASSPHRASE,
                                    TestHaven.credentials(otherDir, TestHaven.ADMIN).nextCode())
                            .statusCode());
            assertEquals(before, stored(otherDb, TestHaven.ADMIN));
            assertEquals(
                    List.of(List.of("10")),
                    DatabaseDump.query(
                            otherDb,
                            "SELECT count(*) FROM audit_log WHERE action = 'passphrase_change_failed' AND actor = 'ada'"));
            assertEquals(
                    200,
                    ada.get("/inbox").statusCode(),
                    "a wrong current passphrase ended the session");
            assertEquals(
                    302,
                    new InboxClient(other.port())
                            .login(
                                    TestHaven.ADMIN,
                                    TestHaven.ADMIN_PASSPHRASE,
                                    TestHaven.credentials(otherDir, TestHaven.ADMIN).nextCode())
                            .statusCode(),
                    "another browser was stopped");
        }
    }

    /**
     * Verifies that an account marked one-time after it enrolled a second factor (as the upgrade
     * marks accounts from before) still needs its code to log in, and then chooses its own
     * passphrase before reaching the inbox.
     */
    @Test
    void testEnrolledAccountMarkedOneTimeGivesItsCodeThenChooses() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        addAccount(admin, "milo", "coordinator", "halifax", MILO_ONE_TIME_PASS);
        TestHaven.enrol(haven.port(), dataDir, "milo", MILO_ONE_TIME_PASS, MILO_PASS);
        DatabaseDump.query(
                db,
                "UPDATE accounts SET passphrase_one_time = true WHERE username = 'milo' RETURNING id");

        InboxClient milo = new InboxClient(haven.port());
        assertEquals(
                401,
                milo.login("milo", MILO_PASS, "").statusCode(),
                "a one-time passphrase skipped the second factor");
        assertRedirect(
                milo.login("milo", MILO_PASS, TestHaven.credentials(dataDir, "milo").nextCode()),
                "/inbox/passphrase");
        assertRedirect(milo.get("/inbox"), "/inbox/passphrase");
        String form = milo.get("/inbox/passphrase").body();
        assertTrue(form.contains("Choose your own passphrase"), form);
        assertRedirect(
                milo.postWithCsrf(
                        form,
                        "/inbox/passphrase",
                        "current",
                        MILO_PASS,
                        "passphrase",
                        MILO_NEXT_PASS,
                        "confirm",
                        MILO_NEXT_PASS),
                "/inbox");
        assertEquals(200, milo.get("/inbox").statusCode());
        assertFalse(stored("milo").oneTime());
    }

    /**
     * Verifies that the migration makes every account from before issue 15 choose its own
     * passphrase at its next login, except the first administrator, who chose theirs at setup.
     */
    @Test
    void testMigrationMarksAccountsAdministratorsGaveTheirPassphrase() throws Exception {
        String url = TestPostgres.newDatabase();
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        Flyway.configure()
                .locations("classpath:db/migration")
                .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
                .target("15")
                .load()
                .migrate();
        TestPostgres.tamper(
                url,
                "INSERT INTO accounts (username, role, passphrase_hash) VALUES ('ada', 'admin', 'x'),"
                        + " ('cora', 'coordinator', 'x'), ('bob', 'admin', 'x')",
                "INSERT INTO audit_log (id, actor, action, prev_hash, hash) VALUES (1, 'ada', 'setup_admin', '\\x00', '\\x01'),"
                        + " (2, 'ada', 'account_created:coordinator', '\\x01', '\\x02'), (3, 'ada', 'account_created:admin', '\\x02', '\\x03')");
        Flyway.configure()
                .locations("classpath:db/migration")
                .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
                .load()
                .migrate();
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement();
                var rs =
                        st.executeQuery(
                                "SELECT username, passphrase_one_time FROM accounts ORDER BY username")) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2)));
            }
        }
        assertEquals(List.of(List.of("ada", "f"), List.of("bob", "t"), List.of("cora", "t")), rows);
    }

    /** What the database holds for an account's passphrase and keys. */
    record Stored(
            String hash, byte[] box, String publicKey, List<List<String>> grants, boolean oneTime) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Stored s
                    && s.hash.equals(hash)
                    && Arrays.equals(s.box, box)
                    && s.publicKey.equals(publicKey)
                    && s.grants.equals(grants)
                    && s.oneTime == oneTime;
        }

        @Override
        public int hashCode() {
            return hash.hashCode();
        }

        @Override
        public String toString() {
            return "Stored[oneTime=" + oneTime + ", grants=" + grants.size() + "]";
        }
    }

    private static Stored stored(String username) throws Exception {
        return stored(db, username);
    }

    private static Stored stored(PgConnectOptions on, String username) throws Exception {
        List<String> row =
                DatabaseDump.query(
                                on,
                                "SELECT passphrase_hash, sealed_private_key, public_key, passphrase_one_time, id"
                                        + " FROM accounts WHERE username = '"
                                        + username
                                        + "'")
                        .get(0);
        List<List<String>> grants =
                DatabaseDump.query(
                        on,
                        "SELECT key_id, sealed FROM team_key_grants WHERE account_id = "
                                + row.get(4)
                                + " UNION ALL SELECT key_id, sealed FROM agency_key_grants WHERE account_id = "
                                + row.get(4)
                                + " UNION ALL SELECT key_id, sealed FROM group_key_grants WHERE account_id = "
                                + row.get(4)
                                + " ORDER BY 1");
        return new Stored(
                row.get(0),
                HexFormat.of().parseHex(row.get(1).substring(2)),
                row.get(2),
                grants,
                "t".equals(row.get(3)));
    }

    /**
     * The personal key pair and its grants are what they were; the box and hash are new, at the
     * current cost, open with {@code next} only; no passphrase box anywhere in the database opens
     * with {@code old}.
     */
    private static void assertRewrapped(Stored before, Stored after, String old, String next)
            throws Exception {
        assertEquals(before.publicKey(), after.publicKey(), "the key pair changed");
        assertEquals(before.grants(), after.grants(), "the grants changed");
        assertFalse(after.grants().isEmpty());
        assertFalse(after.oneTime());
        assertNotEquals(before.hash(), after.hash());
        assertFalse(Arrays.equals(before.box(), after.box()), "the box was not replaced");
        assertEquals(Argon2Params.defaults(), PassphraseBox.params(after.box()));
        assertFalse(PassphraseHash.verify(after.hash(), old.toCharArray()));
        assertThrows(
                GeneralSecurityException.class,
                () -> PassphraseBox.open(after.box(), old.toCharArray()));
        byte[] raw = PassphraseBox.open(after.box(), next.toCharArray());
        RecipientPrivateKey key = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
        assertEquals(
                before.publicKey().substring(2),
                HexFormat.of().formatHex(key.publicKey().toBytes()));
        key.destroy();

        String dump = DatabaseDump.dump(db);
        Matcher m = BOX.matcher(dump);
        int boxes = 0;
        while (m.find()) {
            boxes++;
            byte[] box = HexFormat.of().parseHex(m.group());
            assertThrows(
                    GeneralSecurityException.class,
                    () -> PassphraseBox.open(box, old.toCharArray()),
                    "a passphrase box in the database opens with the old passphrase");
        }
        assertTrue(boxes >= 2, "no passphrase boxes found in the dump: " + boxes);
    }

    private static void assertNoPassphraseIn(LogCapture logs, String... passphrases) {
        for (String line : logs.lines()) {
            for (String p : passphrases) {
                assertFalse(
                        line.contains(p),
                        "a passphrase in the log: "
                                + line.substring(0, Math.min(40, line.length())));
            }
        }
    }

    private static void addAccount(
            InboxClient admin, String username, String role, String group, String oneTime)
            throws Exception {
        String team = admin.get("/inbox/team").body();
        List<String> fields =
                new ArrayList<>(
                        List.of(
                                "username",
                                username,
                                "role",
                                role,
                                "passphrase",
                                oneTime,
                                "confirm",
                                oneTime,
                                "agency",
                                ""));
        if (group != null) {
            fields.addAll(List.of("group", group));
        }
        HttpResponse<String> r =
                admin.postWithCsrf(team, "/inbox/team/accounts", fields.toArray(new String[0]));
        assertTrue(
                r.body()
                        .contains(
                                "Account "
                                        + username
                                        + " created. At first login they choose their own passphrase"),
                r.body());
        assertTrue(admin.get("/inbox/team").body().contains("one-time (not chosen yet)"));
    }

    private static String teamKeyId() throws Exception {
        return DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                .get(0)
                .get(0);
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }

    private static void assertRedirect(HttpResponse<String> r, String location) {
        assertEquals(302, r.statusCode(), r.uri() + ": " + r.statusCode());
        assertEquals(location, r.headers().firstValue("Location").orElse(""), r.uri().toString());
    }

    private static void assertRefused(HttpResponse<String> r, String message) {
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains(message), r.body());
    }
}
