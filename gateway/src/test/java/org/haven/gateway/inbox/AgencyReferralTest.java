package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.engine.ReferralCode;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.InboxSessions;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.StoredKeys;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agency keys against a real server and database: who the answers of a referral are sealed to, and
 * what an agency worker may open.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgencyReferralTest {
    private static final String PASS = "an agency worker's passphrase";
    @TempDir static Path dataDir;
    private static Haven haven;
    private static InboxSessions sessions;
    private static PgConnectOptions db;
    private static String codeA;
    private static String codeB;
    private static LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        logs = new LogCapture();
        haven = TestHaven.start(dataDir, Map.of());
        sessions = new InboxSessions(haven, dataDir);
        db = haven.database().connectOptions();
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        codeA = createAgency(admin, "Agency A");
        codeB = createAgency(admin, "Agency B");
        String team = admin.get("/inbox/team").body();
        createWorker(admin, "agnes", agencyId(team, "Agency A"));
        createWorker(admin, "otto", agencyId(team, "Agency B"));
        for (String user : List.of("agnes", "otto")) {
            TestHaven.enrol(haven.port(), dataDir, user, PASS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
        logs.close();
    }

    /**
     * Fails if any log line so far carries one of {@code personal} (answers, codes, passphrases,
     * agency names).
     */
    private static void assertLogsFree(String... personal) {
        for (String line : logs.lines()) {
            for (String p : personal) {
                assertFalse(line.contains(p), "personal data in the log: " + line);
            }
        }
    }

    /**
     * Verifies that creating an agency creates its key: a public half stored with it, the private
     * half sealed to the current team key, and a worker's grant of that key.
     */
    @Test
    void testCreatingAgencyCreatesItsKey() throws Exception {
        String teamKeyId =
                DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                        .get(0)
                        .get(0);
        List<List<String>> rows =
                DatabaseDump.query(
                        db, "SELECT key_id IS NOT NULL, team_key_id FROM agencies ORDER BY name");
        assertEquals(List.of(List.of("t", teamKeyId), List.of("t", teamKeyId)), rows);
        RecipientPrivateKey team =
                StoredKeys.teamKey(db, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE);
        RecipientPrivateKey fromTeam = StoredKeys.agencyKey(db, "Agency A", team);
        RecipientPrivateKey fromGrant = StoredKeys.agencyGrant(db, "agnes", TestHaven.chosen(PASS));
        assertEquals(fromTeam.publicKey().keyId(), fromGrant.publicKey().keyId());
        assertNotEquals(
                fromTeam.publicKey().keyId(),
                StoredKeys.agencyKey(db, "Agency B", team).publicKey().keyId());
        assertFalse(
                admin().get("/inbox/team").body().contains("agencies-without-key"),
                "the team page says an agency has no key");
    }

    /**
     * Verifies that the answers of an agency referral with the client's consent to share are sealed
     * to the team key and the referring agency's key: both open them, another agency's key does
     * not, and the case records which agency key was used.
     */
    @Test
    void testConsentedReferralIsSealedToTeamAndAgency() throws Exception {
        String marker = "agency-" + UUID.randomUUID();
        UUID caseId = newCase(IntakeDriver.agencyAnswers(codeA, marker), marker);
        RecipientPrivateKey team =
                StoredKeys.teamKey(db, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE);
        RecipientPrivateKey agencyA = StoredKeys.agencyKey(db, "Agency A", team);
        RecipientPrivateKey agencyB = StoredKeys.agencyKey(db, "Agency B", team);

        List<String> recipients = StoredKeys.answersRecipients(db, caseId);
        assertEquals(
                List.of(team.publicKey().keyId(), agencyA.publicKey().keyId()).stream()
                        .sorted()
                        .toList(),
                recipients);
        assertTrue(
                StoredKeys.openAnswers(db, caseId, team).contains(marker),
                "the team key does not open the answers");
        assertTrue(
                StoredKeys.openAnswers(db, caseId, agencyA).contains(marker),
                "the agency key does not open the answers");
        assertThrows(
                GeneralSecurityException.class, () -> StoredKeys.openAnswers(db, caseId, agencyB));
        assertEquals(
                List.of(List.of(agencyA.publicKey().keyId())),
                DatabaseDump.query(
                        db, "SELECT agency_key_id FROM cases WHERE id = '" + caseId + "'"));
        assertLogsFree(marker, codeA, codeB, "Agency A", "Agency B", PASS);
    }

    /**
     * Verifies that a referral whose worker chose to share "nothing" with the agency, and a
     * survivor's own intake, are sealed to the team key only, and that the agency is not told of
     * the "nothing" referral at all: not in its list, and its page refused.
     */
    @Test
    void testNothingSharedOrOwnIntakeIsSealedToTeamOnly() throws Exception {
        String teamKeyId =
                DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                        .get(0)
                        .get(0);
        String nothing = "agency-" + UUID.randomUUID();
        List<String> answers = new ArrayList<>(IntakeDriver.agencyAnswers(codeA, nothing));
        assertEquals("arrived", answers.set(5, "nothing"));
        UUID referral = newCase(answers, nothing);
        assertEquals(List.of(teamKeyId), StoredKeys.answersRecipients(db, referral));
        assertNull(
                DatabaseDump.query(
                                db, "SELECT agency_key_id FROM cases WHERE id = '" + referral + "'")
                        .get(0)
                        .get(0));

        String own = "agency-" + UUID.randomUUID();
        UUID survivor = newCase(IntakeDriver.survivorAnswers(own), own);
        assertEquals(List.of(teamKeyId), StoredKeys.answersRecipients(db, survivor));

        HttpResponse<String> page = worker("agnes").get("/inbox/cases/" + referral);
        assertEquals(403, page.statusCode());
        assertFalse(page.body().contains(nothing), "the agency read answers not shared with it");
        assertFalse(
                worker("agnes").get("/inbox").body().contains(referral.toString()),
                "the agency was told of a referral it may not know of");
        assertLogsFree(nothing, own, codeA, PASS);
    }

    /**
     * Verifies that the agency is told a referral's progress only as far as the client consented:
     * with "arrived" alone it stays "Received" while a coordinator works and closes the case; with
     * all three it follows the case to "Closed".
     */
    @Test
    void testAgencySeesOnlyTheProgressTheClientConsentedTo() throws Exception {
        String arrivedOnly = "agency-" + UUID.randomUUID();
        UUID quiet = newCase(IntakeDriver.agencyAnswers(codeA, arrivedOnly), arrivedOnly);
        String everything = "agency-" + UUID.randomUUID();
        List<String> answers = new ArrayList<>(IntakeDriver.agencyAnswers(codeA, everything));
        answers.set(5, "1,2,3");
        UUID open = newCase(answers, everything);
        assertEquals(
                List.of(List.of("{arrived}"), List.of("{arrived,contacted,outcome}")),
                DatabaseDump.query(
                        db,
                        "SELECT agency_share::text FROM cases WHERE id IN ('"
                                + quiet
                                + "', '"
                                + open
                                + "') ORDER BY cardinality(agency_share)"));

        assertEquals("Received", agencyStatus(quiet));
        assertEquals("Received", agencyStatus(open));
        for (UUID c : List.of(quiet, open)) {
            String page = admin().get("/inbox/cases/" + c).body();
            assertEquals(
                    302, admin().postWithCsrf(page, "/inbox/cases/" + c + "/claim").statusCode());
        }
        assertEquals("Received", agencyStatus(quiet));
        assertEquals("A coordinator has taken it up", agencyStatus(open));
        for (UUID c : List.of(quiet, open)) {
            String page = admin().get("/inbox/cases/" + c).body();
            assertEquals(
                    302,
                    admin().postWithCsrf(page, "/inbox/cases/" + c + "/status", "status", "closed")
                            .statusCode());
        }
        assertEquals("Received", agencyStatus(quiet));
        assertEquals("Closed", agencyStatus(open));
        assertTrue(worker("agnes").get("/inbox/cases/" + quiet).body().contains(">Received<"));
        assertLogsFree(arrivedOnly, everything, codeA, PASS);
    }

    /** The status agnes's list shows for a referral. */
    private static String agencyStatus(UUID caseId) throws Exception {
        String list = worker("agnes").get("/inbox").body();
        Matcher m =
                Pattern.compile(
                                "href=\"/inbox/cases/"
                                        + caseId
                                        + "\">[^<]*</a></td><td>([^<]*)</td>")
                        .matcher(list);
        assertTrue(m.find(), "referral not in the agency's list: " + list);
        return m.group(1);
    }

    /**
     * Verifies that an agency worker reads the answers of their agency's shared referral, and that
     * a worker of another agency is refused the case and is not a recipient of it.
     */
    @Test
    void testWorkerReadsOwnReferralAndOtherAgencyIsRefused() throws Exception {
        String marker = "agency-" + UUID.randomUUID();
        UUID caseId = newCase(IntakeDriver.agencyAnswers(codeA, marker), marker);
        HttpResponse<String> own = worker("agnes").get("/inbox/cases/" + caseId);
        assertEquals(200, own.statusCode());
        assertTrue(
                own.body().contains("mornings " + marker),
                "the agency worker cannot read the answers they submitted");
        assertFalse(own.body().contains("referral-answers-none"));
        assertEquals(
                List.of(List.of("1")),
                DatabaseDump.query(
                        db,
                        "SELECT count(*) FROM audit_log WHERE action = 'referral_answers_view'"
                                + " AND case_id = '"
                                + caseId
                                + "'"));

        HttpResponse<String> other = worker("otto").get("/inbox/cases/" + caseId);
        assertEquals(403, other.statusCode());
        assertFalse(other.body().contains(marker));
        RecipientPrivateKey ottoKey = StoredKeys.agencyGrant(db, "otto", TestHaven.chosen(PASS));
        assertFalse(
                StoredKeys.answersRecipients(db, caseId).contains(ottoKey.publicKey().keyId()),
                "the case is sealed to the other agency's key");
        assertThrows(
                GeneralSecurityException.class, () -> StoredKeys.openAnswers(db, caseId, ottoKey));

        // Agency B's own referral is open to otto, not to agnes.
        String markerB = "agency-" + UUID.randomUUID();
        UUID caseB = newCase(IntakeDriver.agencyAnswers(codeB, markerB), markerB);
        assertTrue(worker("otto").get("/inbox/cases/" + caseB).body().contains(markerB));
        assertEquals(403, worker("agnes").get("/inbox/cases/" + caseB).statusCode());
        assertLogsFree(marker, markerB, codeA, codeB, PASS);
    }

    private static InboxClient admin() throws Exception {
        return worker(TestHaven.ADMIN);
    }

    /** A logged-in client for {@code user}, reused across tests like a browser tab left open. */
    private static InboxClient worker(String user) throws Exception {
        return sessions.of(user);
    }

    /** Runs an intake over the web chat and returns the new case's id, found by its marker. */
    /**
     * Verifies that a well-formed referral code that no agency holds is queried ("we do not
     * recognise this code") and the question asked again, while a held code goes on to the client's
     * consent (before, any well-formed code was accepted and the case went to no agency without a
     * word to the worker).
     */
    @Test
    void testUnknownReferralCodeIsQueried() throws Exception {
        String unknown;
        do {
            unknown = ReferralCode.issue(new SecureRandom());
        } while (unknown.equals(codeA) || unknown.equals(codeB));
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            List<String> said = List.of("yes", "en", "agency", unknown, codeA);
            List<String> texts =
                    IntakeDriver.run(chat, said).frames().stream()
                            .map(f -> f.getString("text"))
                            .toList();
            int queried =
                    texts.indexOf(
                            texts.stream()
                                    .filter(t -> t.startsWith("We do not recognise this code"))
                                    .findFirst()
                                    .orElseThrow(
                                            () -> new AssertionError("not queried: " + texts)));
            assertTrue(
                    texts.get(queried + 1).contains("referral code"),
                    "the code is not asked again: " + texts);
            assertTrue(
                    texts.get(texts.size() - 1).startsWith("Has your client agreed"),
                    "a held code was not taken: " + texts);
        }
        assertLogsFree(codeA);
    }

    private static UUID newCase(List<String> answers, String marker) throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, answers);
        }
        String page = admin().get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"/inbox/cases/([0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return UUID.fromString(m.group(1));
    }

    static String createAgency(InboxClient admin, String name) throws Exception {
        String page = admin.get("/inbox/team").body();
        HttpResponse<String> r = admin.postWithCsrf(page, "/inbox/team/agencies", "name", name);
        Matcher m = Pattern.compile("referral code (\\d{3}-\\d{4})").matcher(r.body());
        assertTrue(m.find(), "no referral code issued: " + r.body());
        return m.group(1);
    }

    static String agencyId(String teamPage, String name) {
        Matcher m =
                Pattern.compile("<option value=\"(\\d+)\">" + name + "</option>").matcher(teamPage);
        assertTrue(m.find());
        return m.group(1);
    }

    static void createWorker(InboxClient admin, String username, String agencyId) throws Exception {
        String page = admin.get("/inbox/team").body();
        HttpResponse<String> r =
                admin.postWithCsrf(
                        page,
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "agency",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS,
                        "agency",
                        agencyId);
        assertTrue(r.body().contains("Account " + username + " created"), r.body());
    }
}
