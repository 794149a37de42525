package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.engine.ReferralCode;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agency keys through the key ceremonies: an agency from before agency keys, team key rotation,
 * removing a worker.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AgencyKeyCeremonyTest {
    private static final String PASS = "agency worker passphrase";

    /** The referral code of the agency from before agency keys (a valid Damm check digit). */
    private static final String OLD_CODE = "234-567" + ReferralCode.checkDigit("234567");

    /**
     * Verifies that agencies created before agency keys are shown as keyless and get their key from
     * the team page's button or when an administrator adds a worker; that a team key rotation
     * re-seals agency keys without changing them, so agency workers still read their referrals
     * after logging in again and an administrator can still grant the agency key; and that removing
     * a worker rotates the agency's key, withdraws their grant, and leaves the other workers able
     * to read old and new referrals.
     */
    @Test
    void testAgencyKeysSurviveRotationAndWorkerRemoval(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            PgConnectOptions db = haven.database().connectOptions();
            TestHaven.setUpAdmin(haven);
            // An agency from before agency keys: no key at all.
            String agencyId =
                    DatabaseDump.query(
                                    db,
                                    "INSERT INTO agencies (name, referral_code) VALUES ('Old Agency', '"
                                            + OLD_CODE
                                            + "')"
                                            + " RETURNING id")
                            .get(0)
                            .get(0);
            String otherId =
                    DatabaseDump.query(
                                    db,
                                    "INSERT INTO agencies (name, referral_code) VALUES ('Other Old Agency', '"
                                            + "345-678"
                                            + ReferralCode.checkDigit("345678")
                                            + "') RETURNING id")
                            .get(0)
                            .get(0);
            InboxClient admin = TestHaven.loggedIn(haven);
            String page = admin.get("/inbox/team").body();
            assertTrue(
                    page.contains("id=\"agencies-without-key\">2 agencies have no key yet"),
                    "the keyless agencies are not shown");
            // One gets its key from its button, the other when its first worker is added.
            HttpResponse<String> keyed =
                    admin.postWithCsrf(page, "/inbox/team/agencies/" + otherId + "/key");
            assertTrue(keyed.body().contains("The agency has its key"), keyed.body());
            assertEquals(
                    List.of(List.of("t")),
                    DatabaseDump.query(
                            db, "SELECT key_id IS NOT NULL FROM agencies WHERE id = " + otherId));
            assertTrue(
                    keyed.body().contains("id=\"agencies-without-key\">1 agency has no key yet"),
                    keyed.body());

            addWorker(admin, "agnes", agencyId);
            addWorker(admin, "alba", agencyId);
            assertFalse(admin.get("/inbox/team").body().contains("id=\"agencies-without-key\""));
            String agencyKey = agencyKeyId(db);
            assertEquals(
                    List.of(List.of("2")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM agency_key_grants WHERE key_id = '"
                                    + agencyKey
                                    + "'"));
            TestHaven.enrol(haven.port(), dataDir, "agnes", PASS);
            TestHaven.enrol(haven.port(), dataDir, "alba", PASS);

            String before = "agency-" + UUID.randomUUID();
            String firstCase = refer(haven, admin, before);
            InboxClient agnes = TestHaven.loggedIn(haven.port(), dataDir, "agnes");
            assertTrue(
                    agnes.get(firstCase).body().contains(before),
                    "the worker cannot read her referral");

            // Team key rotation: agency keys are re-sealed to the new team key, not replaced.
            String oldTeam = teamKeyId(db);
            String team = admin.get("/inbox/team").body();
            assertTrue(
                    admin.postWithCsrf(team, "/inbox/team/rotate")
                            .body()
                            .contains("Team key rotated"));
            String newTeam = teamKeyId(db);
            assertNotEquals(oldTeam, newTeam);
            assertEquals(
                    List.of(List.of(agencyKey, newTeam)),
                    DatabaseDump.query(
                            db,
                            "SELECT key_id, team_key_id FROM agencies"
                                    + " WHERE name = 'Old Agency'"));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM agencies WHERE team_key_id <> '" + newTeam + "'"),
                    "an agency key is still sealed to the retired team key");
            assertEquals(
                    302,
                    agnes.get("/inbox").statusCode(),
                    "the worker's session survived the rotation");
            agnes = TestHaven.loggedIn(haven.port(), dataDir, "agnes");
            assertTrue(
                    agnes.get(firstCase).body().contains(before),
                    "the worker lost her referral to the team key rotation");
            addWorker(admin, "bea", agencyId);
            TestHaven.enrol(haven.port(), dataDir, "bea", PASS);
            String afterRotation = "agency-" + UUID.randomUUID();
            String secondCase = refer(haven, admin, afterRotation);
            InboxClient bea = TestHaven.loggedIn(haven.port(), dataDir, "bea");
            assertTrue(
                    bea.get(firstCase).body().contains(before),
                    "a worker added after the rotation cannot read an old referral");
            assertTrue(bea.get(secondCase).body().contains(afterRotation));

            // Removing a worker rotates the agency's key.
            team = admin.get("/inbox/team").body();
            Matcher m =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\" data-confirm=\"[^\"]*\"><input type=\"hidden\" name=\"csrf\" value=\"[^\"]+\">"
                                            + "<button type=\"submit\" class=\"secondary\" id=\"remove-agnes\"")
                            .matcher(team);
            assertTrue(m.find(), "no remove button for agnes");
            HttpResponse<String> removed = admin.postWithCsrf(team, m.group(1));
            assertTrue(removed.body().contains("Account removed and its agency"), removed.body());
            String nextAgencyKey = agencyKeyId(db);
            assertNotEquals(agencyKey, nextAgencyKey);
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM entry_keys WHERE key_id = '" + agencyKey + "'"));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM agency_key_grants g JOIN accounts a"
                                    + " ON a.id = g.account_id WHERE a.username = 'agnes'"));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM cases WHERE agency_key_id = '"
                                    + agencyKey
                                    + "'"));
            assertEquals(teamKeyId(db), newTeam, "removing an agency worker rotated the team key");
            assertEquals(
                    302, agnes.get("/inbox").statusCode(), "the removed worker's session survived");
            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "agnes",
                                    TestHaven.chosen(PASS),
                                    TestHaven.credentials(dataDir, "agnes").nextCode())
                            .statusCode());

            String afterRemoval = "agency-" + UUID.randomUUID();
            String thirdCase = refer(haven, admin, afterRemoval);
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM entry_keys k JOIN case_entries e"
                                    + " ON e.case_id = k.case_id AND e.seq = k.seq WHERE e.kind = 'answers' AND k.key_id NOT IN ('"
                                    + newTeam
                                    + "', '"
                                    + nextAgencyKey
                                    + "')"),
                    "something sealed to a replaced key");
            InboxClient alba = TestHaven.loggedIn(haven.port(), dataDir, "alba");
            assertTrue(
                    alba.get(firstCase).body().contains(before),
                    "a remaining worker cannot read the first referral");
            assertTrue(
                    alba.get(secondCase).body().contains(afterRotation),
                    "a remaining worker cannot read the second referral");
            assertTrue(
                    alba.get(thirdCase).body().contains(afterRemoval),
                    "a remaining worker cannot read the third referral");
        }
    }

    private static void addWorker(InboxClient admin, String username, String agencyId)
            throws Exception {
        String page = admin.get("/inbox/team").body();
        HttpResponse<String> r =
                admin.postWithCsrf(
                        page,
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "agency",
                        "agency",
                        agencyId,
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS);
        assertTrue(r.body().contains("Account " + username + " created"), r.body());
    }

    /** Refers a client with the old agency's code and consent to share; the case's inbox path. */
    private static String refer(Haven haven, InboxClient admin, String marker) throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.agencyAnswers(OLD_CODE, marker));
        }
        String page = admin.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }

    private static String teamKeyId(PgConnectOptions db) throws Exception {
        return DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                .get(0)
                .get(0);
    }

    private static String agencyKeyId(PgConnectOptions db) throws Exception {
        return DatabaseDump.query(db, "SELECT key_id FROM agencies WHERE name = 'Old Agency'")
                .get(0)
                .get(0);
    }
}
