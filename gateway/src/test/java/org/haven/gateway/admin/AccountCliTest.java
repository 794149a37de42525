package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code haven account} run in-process through picocli beside a running Haven on a real PostgreSQL
 * ({@code HAVEN_DB_URL}), secrets given as lines on standard input: the same key ceremony as the
 * Team page.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AccountCliTest {
    private static final String PASS = "coordinator passphrase here";
    private static final String ADMIN_PASS = TestHaven.ADMIN_PASSPHRASE;
    private static final String CLI_PASS = "chosen at the command line";
    private static final String CLI_NEXT_PASS = "changed again at the command line";
    private static final String WRONG_PASS = "not what cleo was given";

    @TempDir static Path dataDir;
    private static Haven haven;
    private static Map<String, String> env;
    private static final List<HavenCli.Run> RUNS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        String url = TestPostgres.newDatabase();
        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url));
        TestHaven.setUpAdmin(haven);
        env = Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
        for (HavenCli.Run run : RUNS) {
            for (String secret :
                    List.of(PASS, ADMIN_PASS, "short pass", CLI_PASS, CLI_NEXT_PASS, WRONG_PASS)) {
                assertFalse(run.toString().contains(secret), "a passphrase in the output: " + run);
            }
        }
    }

    /** Runs {@code haven ARGS} with {@code lines} as standard input. */
    private static HavenCli.Run cli(List<String> lines, String... args) {
        HavenCli.Run run =
                HavenCli.withInput(
                        env, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", args);
        RUNS.add(run);
        return run;
    }

    /** The administrator's answers: username, passphrase, a fresh second-factor code. */
    private static List<String> admin() {
        return List.of(
                TestHaven.ADMIN,
                ADMIN_PASS,
                TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode());
    }

    private static List<String> plus(List<String> first, String... more) {
        List<String> out = new ArrayList<>(first);
        out.addAll(List.of(more));
        return out;
    }

    private static List<List<String>> sql(String query) throws Exception {
        return DatabaseDump.query(haven.database().connectOptions(), query);
    }

    /**
     * Verifies that a coordinator added at the command line logs in through the inbox login and
     * reads a case with the group keys granted to her (issue 20: never the team key), that {@code
     * account list} shows her with her key and grant, and that removing her withdraws her grants,
     * rotates the keys of her groups (not the team key) and ends her session on the running
     * gateway: she can no longer log in, nothing is left on a retired key, and the administrator
     * reads the old case. Logs and outputs hold no passphrase.
     */
    @Test
    void testAddedCoordinatorUnlocksTeamKeyAndRemovalRotatesIt() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);

            HavenCli.Run added =
                    cli(
                            plus(admin(), PASS, PASS),
                            "account",
                            "add",
                            "--username",
                            "rita",
                            "--role",
                            "coordinator",
                            "--group",
                            "toronto");
            assertEquals(0, added.code(), added.toString());
            assertTrue(added.out().startsWith("account rita created (id "), added.toString());
            assertEquals("", added.err(), added.toString());

            TestHaven.enrol(haven.port(), dataDir, "rita", PASS);
            InboxClient rita = TestHaven.loggedIn(haven.port(), dataDir, "rita");
            String casePath = casePath(rita, marker);
            assertTrue(
                    rita.get(casePath).body().contains(marker),
                    "the new coordinator cannot open a case with her grant");

            HavenCli.Run list = cli(List.of(), "account", "list");
            assertEquals(0, list.code(), list.toString());
            assertTrue(
                    list.out()
                            .matches(
                                    "(?s)\\d+\tada\tadmin\tall\t-\t\\S+Z\tkey=yes\tgrant=yes\tsecond-factor=yes\tpassphrase=own\n.*"),
                    list.toString());
            assertTrue(
                    list.out()
                            .matches(
                                    "(?s).*\n\\d+\trita\tcoordinator\ttoronto\t-\t\\S+Z\tkey=yes\tgrant=yes\tsecond-factor=yes\tpassphrase=own\n.*"),
                    list.toString());
            assertFalse(list.out().contains("argon2"), list.toString());
            List<List<String>> creators =
                    sql("SELECT actor FROM audit_log WHERE action = 'account_created:coordinator'");
            assertTrue(
                    !creators.isEmpty() && creators.stream().allMatch(List.of("ada")::equals),
                    creators.toString());

            String oldKey =
                    sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0);
            InboxClient adaBefore = TestHaven.loggedIn(haven);
            HavenCli.Run removed =
                    cli(
                            admin().subList(1, 3),
                            "account",
                            "remove",
                            "--username",
                            "rita",
                            "--admin",
                            "ada");
            assertEquals(0, removed.code(), removed.toString());
            assertTrue(
                    removed.out()
                            .startsWith(
                                    "account rita removed and the keys of its working groups rotated"
                                            + " (export, intake, toronto)"),
                    removed.toString());

            assertEquals(
                    oldKey,
                    sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0),
                    "the team key rotated");
            assertEquals(
                    List.of(List.of("0")),
                    sql(
                            "SELECT (SELECT count(*) FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                                    + " WHERE a.username = 'rita') + (SELECT count(*) FROM group_key_grants g"
                                    + " JOIN accounts a ON a.id = g.account_id WHERE a.username = 'rita')"));
            assertEquals(
                    List.of(List.of("0")),
                    sql(
                            "SELECT count(*) FROM entry_keys WHERE key_id <> '"
                                    + oldKey
                                    + "' AND key_id NOT IN (SELECT key_id FROM group_keys WHERE retired_at IS NULL)"));
            String ritaId = sql("SELECT id FROM accounts WHERE username = 'rita'").get(0).get(0);
            assertEquals(
                    List.of(
                            List.of("ada", "account_removed"),
                            List.of("ada", "group_key_rotated:export"),
                            List.of("ada", "group_key_rotated:intake"),
                            List.of("ada", "group_key_rotated:toronto")),
                    sql(
                            "SELECT actor, regexp_replace(action, ':\\d+$', '') FROM audit_log"
                                    + " WHERE action = 'account_removed:"
                                    + ritaId
                                    + "' OR action LIKE 'group_key_rotated:%' ORDER BY id"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rita.get("/inbox").statusCode() != 302 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(
                    302,
                    rita.get("/inbox").statusCode(),
                    "the running gateway kept the removed coordinator's session");
            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "rita",
                                    TestHaven.chosen(PASS),
                                    TestHaven.credentials(dataDir, "rita").nextCode())
                            .statusCode());
            assertFalse(cli(List.of(), "account", "list").out().contains("\trita\t"));
            // the team key did not change: the administrator's session from before reads on
            assertTrue(
                    adaBefore.get(casePath).body().contains(marker),
                    "the administrator lost the old case");

            for (String line : logs.lines()) {
                assertFalse(line.contains(PASS) || line.contains(ADMIN_PASS), line);
            }
        }
    }

    /**
     * Verifies that an agency worker is added with a personal key and a grant of its agency's key
     * (made for an agency from before agency keys), never of the team key, and that removing them
     * replaces the agency's key and withdraws their grant.
     */
    @Test
    void testAgencyWorkerGetsAgencyKeyNotTeamKey() throws Exception {
        TestPostgres.execute(
                env.get("HAVEN_DB_URL"),
                "INSERT INTO agencies (name, referral_code) VALUES ('Clinic', 'CLINIC-CLI')");
        String agency = sql("SELECT id FROM agencies WHERE name = 'Clinic'").get(0).get(0);
        HavenCli.Run added =
                cli(
                        plus(admin(), PASS, PASS),
                        "account",
                        "add",
                        "--username",
                        "omar",
                        "--role",
                        "agency",
                        "--agency",
                        agency);
        assertEquals(0, added.code(), added.toString());
        HavenCli.Run list = cli(List.of(), "account", "list");
        assertTrue(
                list.out()
                        .matches(
                                "(?s).*\n\\d+\tomar\tagency\t-\t"
                                        + agency
                                        + "\t\\S+Z\tkey=yes\tgrant=yes\tsecond-factor=no\tpassphrase=one-time\n.*"),
                list.toString());
        assertEquals(
                List.of(List.of("0", "1")),
                sql(
                        "SELECT (SELECT count(*) FROM team_key_grants t WHERE t.account_id = a.id),"
                                + " (SELECT count(*) FROM agency_key_grants g WHERE g.account_id = a.id) FROM accounts a WHERE a.username = 'omar'"));
        String keyBefore = sql("SELECT key_id FROM agencies WHERE name = 'Clinic'").get(0).get(0);
        HavenCli.Run removed = cli(admin(), "account", "remove", "--username", "omar");
        assertEquals(0, removed.code(), removed.toString());
        assertTrue(
                removed.out().contains("agency " + agency + "'s key rotated"), removed.toString());
        assertFalse(
                keyBefore.equals(
                        sql("SELECT key_id FROM agencies WHERE name = 'Clinic'").get(0).get(0)),
                "the removed worker's agency key was not replaced");
        assertEquals(
                List.of(List.of("0")),
                sql(
                        "SELECT count(*) FROM agency_key_grants g JOIN accounts a ON a.id = g.account_id"
                                + " WHERE a.username = 'omar'"));
        HavenCli.Run missing =
                cli(
                        List.of(),
                        "account",
                        "add",
                        "--username",
                        "omar2",
                        "--role",
                        "agency",
                        "--agency",
                        "99999");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().startsWith("haven: there is no agency 99999"), missing.toString());
    }

    /**
     * Verifies that {@code agency add} adds an agency with a referral code and its own key sealed
     * to the current team key, audited with the administrator as actor; that {@code agency list}
     * shows it; and that a second agency of the same name, a name too long and a wrong
     * administrator passphrase are refused with one line, adding nothing.
     */
    @Test
    void testAgencyAddAndList() throws Exception {
        HavenCli.Run added = cli(admin(), "agency", "add", "--name", "Clinique Nord");
        assertEquals(0, added.code(), added.toString());
        Matcher m =
                Pattern.compile(
                                "agency Clinique Nord added \\(id (\\d+)\\) with referral code (\\d{3}-\\d{4})\n")
                        .matcher(added.out());
        assertTrue(m.matches(), added.toString());
        String id = m.group(1);
        String teamKey = sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0);
        List<String> row =
                sql("SELECT referral_code, key_id, team_key_id FROM agencies WHERE id = " + id)
                        .get(0);
        assertEquals(m.group(2), row.get(0));
        assertTrue(
                row.get(1) != null && teamKey.equals(row.get(2)),
                "the agency's key is not sealed to the current team key: " + row);
        assertEquals(
                List.of(List.of("ada")),
                sql("SELECT actor FROM audit_log WHERE action = 'agency_created:" + id + "'"));

        HavenCli.Run list = cli(List.of(), "agency", "list");
        assertEquals(0, list.code(), list.toString());
        assertTrue(
                list.out()
                        .contains(
                                id
                                        + "\tClinique Nord\t"
                                        + m.group(2)
                                        + "\tkey="
                                        + row.get(1)
                                        + "\n"),
                list.toString());

        assertRefused(
                cli(List.of(), "agency", "add", "--name", "Clinique Nord"),
                "haven: that agency exists already");
        assertRefused(
                cli(List.of(), "agency", "add", "--name", "x".repeat(121)),
                "haven: give the agency a name (at most 120 characters)");
        HavenCli.Run wrong =
                cli(
                        List.of("ada", "not the passphrase", "123456"),
                        "agency",
                        "add",
                        "--name",
                        "Clinique Sud");
        assertEquals(1, wrong.code(), wrong.toString());
        assertEquals(
                List.of(List.of("1")),
                sql("SELECT count(*) FROM agencies WHERE name LIKE 'Clinique%'"));
    }

    /**
     * Verifies that {@code team-key rotate} replaces the team key: every entry key and the
     * administrator's grant move to the new key, the old one is retired, and it is audited.
     */
    @Test
    void testTeamKeyRotate() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        IntakeDriver.completeIntake(haven.port(), marker);
        String oldKey = sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0);
        HavenCli.Run run = cli(admin(), "team-key", "rotate");
        assertEquals(0, run.code(), run.toString());
        gatewayReadsNewTeamKey();
        String newKey = sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0);
        assertNotEquals(oldKey, newKey);
        assertEquals(
                "team key rotated (now "
                        + newKey
                        + "): everyone else logs in again to read cases\n",
                run.out());
        // entries are also sealed to their working group's key (issue 20), which does not rotate
        assertEquals(
                List.of(List.of("0")),
                sql(
                        "SELECT count(*) FROM entry_keys WHERE key_id <> '"
                                + newKey
                                + "' AND key_id NOT IN (SELECT key_id FROM group_keys)"));
        assertEquals(
                List.of(List.of("1")),
                sql(
                        "SELECT count(*) FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                                + " WHERE a.username = 'ada' AND g.key_id = '"
                                + newKey
                                + "'"));
        assertTrue(
                sql("SELECT actor FROM audit_log WHERE action = 'team_key_rotated:manual'")
                        .contains(List.of("ada")));
        InboxClient ada = TestHaven.loggedIn(haven);
        assertTrue(
                ada.get(casePath(ada, marker)).body().contains(marker),
                "the administrator cannot read the case with the new key");
    }

    /**
     * Verifies that a wrong administrator passphrase is refused with one line, creates nothing and
     * is audited.
     */
    @Test
    void testAddFailsForWrongAdminPassphrase() throws Exception {
        HavenCli.Run run =
                cli(
                        List.of("ada", "not the passphrase", "123456", PASS, PASS),
                        "account",
                        "add",
                        "--username",
                        "mallory",
                        "--role",
                        "admin");
        assertEquals(1, run.code(), run.toString());
        assertEquals(
                "haven: the administrator's username, passphrase or second-factor code is wrong\n",
                run.err());
        assertEquals("", run.out());
        assertEquals(
                List.of(List.of("0")),
                sql("SELECT count(*) FROM accounts WHERE username = 'mallory'"));
        assertTrue(
                sql("SELECT actor FROM audit_log WHERE action = 'login_failed:cli'")
                        .contains(List.of("ada")));

        HavenCli.Run unknown =
                cli(
                        List.of("nobody", ADMIN_PASS, "123456"),
                        "account",
                        "add",
                        "--username",
                        "mallory",
                        "--role",
                        "admin");
        assertEquals(1, unknown.code(), unknown.toString());
        assertEquals(
                "haven: the administrator's username, passphrase or second-factor code is wrong\n",
                unknown.err());
    }

    /**
     * Verifies that {@code account passphrase} replaces a one-time passphrase, then changes the
     * account's own: a wrong current passphrase, a weak or an unchanged new one change nothing (one
     * line, exit 1; a wrong one audited); a change keeps the key pair and the grant and replaces
     * the box, the old passphrase no longer logs in while the new one opens the account's cases,
     * and a change ends the account's session on the running gateway.
     */
    @Test
    void testPassphraseChangedAtCommandLine() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            HavenCli.Run added =
                    cli(
                            plus(admin(), PASS, PASS),
                            "account",
                            "add",
                            "--username",
                            "cleo",
                            "--role",
                            "coordinator",
                            "--group",
                            "toronto");
            assertEquals(0, added.code(), added.toString());
            assertTrue(
                    added.out().contains("at first login they choose their own passphrase"),
                    added.toString());
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            String row =
                    "SELECT passphrase_hash, sealed_private_key, public_key, passphrase_one_time FROM accounts WHERE username = 'cleo'";
            String grant =
                    "SELECT g.key_id, g.sealed FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                            + " WHERE a.username = 'cleo'";
            List<List<String>> before = sql(row);
            List<List<String>> grantBefore = sql(grant);
            assertEquals("t", before.get(0).get(3));

            HavenCli.Run wrong =
                    cli(
                            List.of(WRONG_PASS, CLI_PASS, CLI_PASS),
                            "account",
                            "passphrase",
                            "--username",
                            "cleo");
            assertEquals(1, wrong.code(), wrong.toString());
            assertEquals(
                    "haven: the current passphrase of cleo is wrong: nothing was changed\n",
                    wrong.err());
            HavenCli.Run weak =
                    cli(
                            List.of(PASS, "short pass", "short pass"),
                            "account",
                            "passphrase",
                            "--username",
                            "cleo");
            assertEquals(
                    "haven: the passphrase must be at least 12 characters: nothing was changed\n",
                    weak.err());
            HavenCli.Run same =
                    cli(List.of(PASS, PASS, PASS), "account", "passphrase", "--username", "cleo");
            assertEquals(
                    "haven: the new passphrase is the current one: nothing was changed\n",
                    same.err());
            assertEquals(before, sql(row), "a refused change changed what is stored");
            assertEquals(
                    List.of(List.of("cleo")),
                    sql(
                            "SELECT actor FROM audit_log WHERE action = 'passphrase_change_failed:cli'"));

            HavenCli.Run chosen =
                    cli(
                            List.of(PASS, CLI_PASS, CLI_PASS),
                            "account",
                            "passphrase",
                            "--username",
                            "cleo");
            assertEquals(0, chosen.code(), chosen.toString());
            assertEquals(
                    "passphrase of cleo changed: the personal key is sealed under the new one (grants and cases unchanged);"
                            + " its inbox sessions were ended\n",
                    chosen.out());
            List<List<String>> after = sql(row);
            assertEquals(before.get(0).get(2), after.get(0).get(2), "the key pair changed");
            assertNotEquals(before.get(0).get(1), after.get(0).get(1), "the box was not replaced");
            assertEquals("f", after.get(0).get(3));
            assertEquals(grantBefore, sql(grant), "the grant changed");
            assertTrue(
                    cli(List.of(), "account", "list")
                            .out()
                            .matches("(?s).*\tcleo\tcoordinator\t.*\tpassphrase=own\n.*"));
            assertEquals(
                    401,
                    new InboxClient(haven.port()).login("cleo", PASS, "").statusCode(),
                    "the one-time passphrase still logs in");

            TestHaven.enrolWithOwnPassphrase(haven.port(), dataDir, "cleo", CLI_PASS);
            InboxClient cleo = TestHaven.loggedIn(haven.port(), dataDir, "cleo");
            assertTrue(
                    cleo.get(casePath(cleo, marker)).body().contains(marker),
                    "the chosen passphrase does not open the case");

            HavenCli.Run changed =
                    cli(
                            List.of(CLI_PASS, CLI_NEXT_PASS, CLI_NEXT_PASS),
                            "account",
                            "passphrase",
                            "--username",
                            "cleo");
            assertEquals(0, changed.code(), changed.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (cleo.get("/inbox").statusCode() != 302 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(
                    302,
                    cleo.get("/inbox").statusCode(),
                    "the running gateway kept the session of an account whose passphrase changed");
            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "cleo",
                                    CLI_PASS,
                                    TestHaven.credentials(dataDir, "cleo").nextCode())
                            .statusCode(),
                    "the old passphrase still logs in");
            TestHaven.rememberPassphrase(dataDir, "cleo", CLI_NEXT_PASS);
            InboxClient again = TestHaven.loggedIn(haven.port(), dataDir, "cleo");
            assertTrue(
                    again.get(casePath(again, marker)).body().contains(marker),
                    "the new passphrase does not open the case");
            assertEquals(
                    List.of(List.of("cleo"), List.of("cleo")),
                    sql(
                            "SELECT actor FROM audit_log WHERE action = 'passphrase_changed:cli' ORDER BY id"));
            for (String line : logs.lines()) {
                for (String secret : List.of(PASS, CLI_PASS, CLI_NEXT_PASS, WRONG_PASS)) {
                    assertFalse(line.contains(secret), "a passphrase in the log");
                }
            }
        }
    }

    /**
     * Verifies that an administrator who still has the one-time passphrase another set cannot use
     * it to unlock the team key at the command line.
     */
    @Test
    void testOneTimeAdministratorIsRefusedAtCommandLine() throws Exception {
        assertEquals(
                0,
                cli(
                                plus(admin(), PASS, PASS),
                                "account",
                                "add",
                                "--username",
                                "abel",
                                "--role",
                                "admin")
                        .code());
        HavenCli.Run run =
                cli(
                        List.of(PASS, "", PASS, PASS),
                        "account",
                        "add",
                        "--username",
                        "nils",
                        "--role",
                        "coordinator",
                        "--group",
                        "toronto",
                        "--admin",
                        "abel");
        assertEquals(1, run.code(), run.toString());
        assertTrue(
                run.err()
                        .startsWith(
                                "haven: abel still has the one-time passphrase an administrator set: choose your own first"),
                run.toString());
        assertEquals(
                List.of(List.of("0")),
                sql("SELECT count(*) FROM accounts WHERE username = 'nils'"));
    }

    /**
     * Verifies that refusals exit 1 with one {@code haven:} line, before asking for any secret
     * where they can.
     */
    @Test
    void testAddFailsForDuplicateWeakOrGrouplessAccounts() throws Exception {
        assertRefused(
                cli(List.of(), "account", "add", "--username", "ada", "--role", "admin"),
                "haven: that username is taken");
        assertRefused(
                cli(List.of(), "account", "add", "--username", "nina", "--role", "coordinator"),
                "haven: a coordinator needs at least one working group");
        assertRefused(
                cli(
                        List.of(),
                        "account",
                        "add",
                        "--username",
                        "nina",
                        "--role",
                        "coordinator",
                        "--group",
                        "paris"),
                "haven: there is no working group 'paris': choose from halifax");
        assertRefused(
                cli(List.of(), "account", "add", "--username", "nina smith", "--role", "admin"),
                "haven: choose a username of letters, digits, dots, dashes or underscores");
        assertRefused(
                cli(List.of(), "account", "add", "--username", "nina", "--role", "agency"),
                "haven: an agency worker needs an agency");
        assertRefused(
                cli(
                        plus(admin(), "short pass", "short pass"),
                        "account",
                        "add",
                        "--username",
                        "nina",
                        "--role",
                        "admin"),
                "haven: the passphrase must be at least 12 characters");
        assertRefused(
                cli(List.of(), "account", "add", "--username", "nina", "--role", "admin"),
                "haven: no answer for 'Administrator's username'");
        assertEquals(
                List.of(List.of("0")),
                sql("SELECT count(*) FROM accounts WHERE username LIKE 'nina%'"));
    }

    /**
     * Verifies that removal refuses an unknown account, the administrator's own, and (in the
     * ceremony) the last administrator.
     */
    @Test
    void testRemoveFailsForUnknownOwnOrLastAdministrator() throws Exception {
        assertRefused(
                cli(List.of(), "account", "remove", "--username", "ghost"),
                "haven: there is no account named 'ghost'");
        assertRefused(
                cli(List.of(), "account", "remove", "--id", "99999"),
                "haven: there is no account with id 99999");
        String keyBefore =
                sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0);
        assertRefused(
                cli(admin(), "account", "remove", "--username", "ada"),
                "haven: you cannot remove your own account");
        assertEquals(
                keyBefore,
                sql("SELECT key_id FROM team_keys WHERE retired_at IS NULL").get(0).get(0));

        long ada =
                Long.parseLong(sql("SELECT id FROM accounts WHERE username = 'ada'").get(0).get(0));
        Vertx vertx = Vertx.vertx();
        try {
            AccountCeremony ceremony =
                    new AccountCeremony(
                            vertx,
                            new AccountStore(haven.database().pool()),
                            haven.teamKeys(),
                            TestHaven.auditKey(dataDir));
            assertEquals(
                    AccountCeremony.Removal.LAST_ADMINISTRATOR,
                    ceremony.disable("test", ada)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS));
            assertEquals(
                    List.of(List.of("1")),
                    sql(
                            "SELECT count(*) FROM accounts WHERE username = 'ada' AND disabled_at IS NULL"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Makes the running gateway read the team key the command line rotated to now, as its 10 s
     * refresh would: until then it seals to the retired key, which the database refuses, and the
     * next test's intake would wait for it.
     */
    private static void gatewayReadsNewTeamKey() throws Exception {
        haven.teamKeys()
                .reload()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static void assertRefused(HavenCli.Run run, String message) {
        assertEquals(1, run.code(), run.toString());
        assertEquals("", run.out(), run.toString());
        String[] lines = run.err().split("\n");
        assertEquals(1, lines.length, run.toString());
        assertTrue(lines[0].startsWith(message), run.toString());
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
