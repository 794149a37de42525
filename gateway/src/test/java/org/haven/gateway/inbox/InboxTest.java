package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.InboxSessions;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestClock;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator inbox over HTTP, against a real server: who may do what, and the work on a case.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InboxTest {
    private static final String PASS = "a long enough passphrase";
    @TempDir static Path dataDir;
    private static Haven haven;
    private static InboxSessions sessions;
    private static String codeA;

    /** Longer than any test here holds a session idle (see testExpiredSessionIsSentToLogin). */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of("HAVEN_SESSION_IDLE_TIMEOUT", IDLE_TIMEOUT.toMinutes() + "m"));
        sessions = new InboxSessions(haven, dataDir);
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        codeA = createAgency(admin, "Agency A");
        createAgency(admin, "Agency B");
        String team = admin.get("/inbox/team").body();
        createAccount(admin, "cora", "coordinator", null, "toronto");
        createAccount(admin, "colm", "coordinator", null, "toronto");
        createAccount(admin, "hal", "coordinator", null, "halifax");
        createAccount(admin, "rita", "coordinator", null, "toronto");
        createAccount(admin, "agnes", "agency", agencyId(team, "Agency A"));
        createAccount(admin, "otto", "agency", agencyId(team, "Agency B"));
        for (String user : List.of("cora", "colm", "hal", "rita", "agnes", "otto")) {
            TestHaven.enrol(haven.port(), dataDir, user, PASS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    private static String createAgency(InboxClient admin, String name) throws Exception {
        String page = admin.get("/inbox/team").body();
        HttpResponse<String> r = admin.postWithCsrf(page, "/inbox/team/agencies", "name", name);
        Matcher m = Pattern.compile("referral code (\\d{3}-\\d{4})").matcher(r.body());
        assertTrue(m.find(), "no referral code issued");
        return m.group(1);
    }

    private static String agencyId(String teamPage, String name) {
        Matcher m =
                Pattern.compile("<option value=\"(\\d+)\">" + name + "</option>").matcher(teamPage);
        assertTrue(m.find());
        return m.group(1);
    }

    private static void createAccount(
            InboxClient admin, String username, String role, String agency, String... groups)
            throws Exception {
        String page = admin.get("/inbox/team").body();
        List<String> fields =
                new ArrayList<>(
                        List.of(
                                "username",
                                username,
                                "role",
                                role,
                                "passphrase",
                                PASS,
                                "confirm",
                                PASS,
                                "agency",
                                agency == null ? "" : agency));
        for (String g : groups) {
            fields.add("group");
            fields.add(g);
        }
        HttpResponse<String> r =
                admin.postWithCsrf(page, "/inbox/team/accounts", fields.toArray(new String[0]));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("Account " + username + " created"), r.body());
    }

    /** A logged-in client for {@code user}, reused across tests like a browser tab left open. */
    private static InboxClient as(String user) throws Exception {
        return sessions.of(user);
    }

    /**
     * Runs an intake and returns the new case's inbox path, found by its marker through text
     * search.
     */
    private static String newCase(List<String> answers, String marker) throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, answers);
        }
        return casePath(as("cora"), marker);
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }

    /**
     * Verifies that inbox pages are never compressed (a CSRF token beside reflected search text
     * would leak through compressed sizes: BREACH), while the public chat page still is.
     */
    @Test
    void testInboxPagesAreNotCompressed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/inbox/login", "/chat")) {
            HttpResponse<byte[]> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + haven.port() + path))
                                    .header("Accept-Encoding", "gzip, deflate")
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), path);
            String encoding = r.headers().firstValue("Content-Encoding").orElse("identity");
            if (path.startsWith("/inbox")) {
                assertEquals("identity", encoding, "inbox page compressed");
            } else {
                assertEquals("gzip", encoding, "chat page not compressed");
            }
        }
        String page = as("cora").get("/inbox?queue=new&q=breach-probe").body();
        assertTrue(
                page.contains("breach-probe"), "the search text is not on the page (test premise)");
    }

    /** Verifies that a wrong passphrase is refused without a session. */
    @Test
    void testLoginFailsForWrongPassphrase() throws Exception {
        InboxClient client = new InboxClient(haven.port());
        HttpResponse<String> r =
                client.login(
                        "cora",
                        "not the passphrase at all",
                        TestHaven.credentials(dataDir, "cora").nextCode());
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(302, client.get("/inbox").statusCode());
    }

    /** Verifies that a right passphrase with a wrong second-factor code is refused. */
    @Test
    void testLoginFailsForWrongTotp() throws Exception {
        InboxClient client = new InboxClient(haven.port());
        assertEquals(401, client.login("cora", TestHaven.chosen(PASS), "000000").statusCode());
        assertEquals(401, client.login("cora", TestHaven.chosen(PASS), "").statusCode());
        assertEquals(
                "/inbox/login", client.get("/inbox").headers().firstValue("Location").orElse(""));
    }

    /**
     * Verifies that a state-changing request without the CSRF token is refused and changes nothing.
     */
    @Test
    void testPostFailsWithoutCsrfToken() throws Exception {
        String marker = "csrf-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.survivorAnswers(marker), marker);
        InboxClient cora = as("cora");
        HttpResponse<String> r = cora.post(path + "/claim");
        assertEquals(403, r.statusCode());
        assertTrue(cora.get(path).body().contains("id=\"claim\""), "claimed without a CSRF token");
        HttpResponse<String> forged = cora.post(path + "/claim", "csrf", "forged-token");
        assertEquals(403, forged.statusCode());
    }

    /**
     * Verifies that an agency user sees their own referral's status and the answers shared with
     * their agency, but none of the coordinators' work on it, and is refused another agency's case.
     */
    @Test
    void testAgencyUserSeesOwnReferralOnly() throws Exception {
        String marker = "agency-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.agencyAnswers(codeA, marker), marker);
        HttpResponse<String> own = as("agnes").get(path);
        assertEquals(200, own.statusCode());
        assertTrue(
                own.body().contains(marker),
                "agency user cannot read the answers shared with the agency");
        assertFalse(
                own.body().contains("id=\"conversation\""), "agency user sees the conversation");
        assertFalse(
                own.body().contains("id=\"save-note\""),
                "agency user sees the coordinators' forms");
        assertTrue(
                own.body().contains(">Received<") || own.body().contains(">Reçue<"),
                "no status for the agency");
        assertTrue(as("agnes").get("/inbox").body().contains(path));
        HttpResponse<String> other = as("otto").get(path);
        assertEquals(403, other.statusCode());
        assertFalse(as("otto").get("/inbox").body().contains(path));
    }

    /** Verifies that a coordinator of another working group cannot open the case. */
    @Test
    void testCoordinatorOfAnotherGroupIsRefused() throws Exception {
        String marker = "group-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.survivorAnswers(marker), marker);
        assertEquals(403, as("hal").get(path).statusCode());
        assertFalse(as("hal").get("/inbox").body().contains(path));
    }

    /**
     * Verifies that of two coordinators claiming one case at once, exactly one wins and the other
     * is told.
     */
    @Test
    void testClaimRaceHasExactlyOneWinner() throws Exception {
        String marker = "race-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.survivorAnswers(marker), marker);
        InboxClient cora = as("cora");
        InboxClient colm = as("colm");
        String coraPage = cora.get(path).body();
        String colmPage = colm.get(path).body();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<HttpResponse<String>> a =
                    () -> {
                        go.await();
                        return cora.postWithCsrf(coraPage, path + "/claim");
                    };
            Callable<HttpResponse<String>> b =
                    () -> {
                        go.await();
                        return colm.postWithCsrf(colmPage, path + "/claim");
                    };
            Future<HttpResponse<String>> fa = pool.submit(a);
            Future<HttpResponse<String>> fb = pool.submit(b);
            go.countDown();
            String la = fa.get(20, TimeUnit.SECONDS).headers().firstValue("Location").orElse("");
            String lb = fb.get(20, TimeUnit.SECONDS).headers().firstValue("Location").orElse("");
            long won = List.of(la, lb).stream().filter(l -> l.endsWith("m=case.claimed")).count();
            long lost =
                    List.of(la, lb).stream()
                            .filter(l -> l.endsWith("m=case.claimed_by_other"))
                            .count();
            assertEquals(1, won, la + " / " + lb);
            assertEquals(1, lost, la + " / " + lb);
            String loserPage =
                    (la.endsWith("claimed_by_other") ? cora : colm)
                            .get(path + "?m=case.claimed_by_other")
                            .body();
            assertTrue(loserPage.contains("Another coordinator claimed this case first."));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Verifies that labels are normalised, saved (several at once) and filter nothing else away.
     */
    @Test
    void testLabelsAreSavedAndShown() throws Exception {
        String marker = "labels-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.survivorAnswers(marker), marker);
        InboxClient cora = as("cora");
        String page = cora.get(path).body();
        assertEquals(302, cora.postWithCsrf(page, path + "/claim").statusCode());
        page = cora.get(path).body();
        HttpResponse<String> r =
                cora.postWithCsrf(
                        page,
                        path + "/labels",
                        "labels",
                        "Needs Interpreter, follow up!, needs interpreter");
        assertEquals(302, r.statusCode());
        page = cora.get(path).body();
        assertTrue(
                page.contains("value=\"needs-interpreter, follow-up\""),
                "labels not saved as normalised: "
                        + page.substring(
                                Math.max(0, page.indexOf("id=\"labels\"") - 10),
                                Math.min(page.length(), page.indexOf("id=\"labels\"") + 120)));
        assertEquals(302, cora.postWithCsrf(page, path + "/labels", "labels", "").statusCode());
        assertTrue(
                cora.get(path).body().contains("name=\"labels\" value=\"\""), "labels not cleared");
    }

    /**
     * Verifies that the case page offers the intake script's canned replies, in its order, and that
     * the one chosen reaches the person in their language; and that the queue's filters list the
     * script's working groups and the channels this gateway registered (no Telegram or SMS here).
     */
    @Test
    void testCannedRepliesAndFiltersComeFromScriptAndChannels() throws Exception {
        String marker = "canned-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            InboxClient cora = as("cora");
            String queue = cora.get("/inbox").body();
            String channels =
                    queue.substring(
                            queue.indexOf("id=\"f-channel\""),
                            queue.indexOf("</select>", queue.indexOf("id=\"f-channel\"")));
            assertTrue(channels.contains("<option>webchat</option>"), channels);
            assertFalse(channels.contains("telegram") || channels.contains("sms"), channels);
            assertTrue(
                    queue.contains("<option>halifax</option>")
                            && queue.contains("<option>national</option>"),
                    "working groups");
            String path = casePath(cora, marker);
            assertEquals(
                    302, cora.postWithCsrf(cora.get(path).body(), path + "/claim").statusCode());
            String page = cora.get(path).body();
            // the script's canned_* messages, copied into the canned reply store at the first start
            Matcher option =
                    Pattern.compile("<option value=\"(\\d+)\" data-text=\"([^\"]*)\"")
                            .matcher(page);
            List<String> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            while (option.find()) {
                ids.add(option.group(1));
                texts.add(option.group(2));
            }
            assertEquals(3, texts.size(), "canned replies: " + texts);
            assertTrue(
                    texts.get(0).startsWith("Thank you for writing")
                            && texts.get(1).startsWith("When is a safe time")
                            && texts.get(2).startsWith("We have passed your request"),
                    "canned replies not offered in order: " + texts);
            HttpResponse<String> sent =
                    cora.postWithCsrf(page, path + "/reply", "text", "", "canned", ids.get(1));
            assertTrue(
                    sent.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"));
            assertEquals(
                    "When is a safe time for us to call you? Please reply with a day and time.",
                    chat.nextOfType("reply").getString("text"));
        }
    }

    /**
     * Verifies the work on a case end to end: claim, read the answers, reply (the reply reaches the
     * person's open web chat), add a note (sealed at rest), close.
     */
    @Test
    void testClaimReplyNoteCloseReachesThePerson() throws Exception {
        String marker = "work-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            InboxClient cora = as("cora");
            String path = casePath(cora, marker);
            String page = cora.get(path).body();
            assertTrue(page.contains(marker), "answers not shown decrypted");
            assertEquals(302, cora.postWithCsrf(page, path + "/claim").statusCode());
            page = cora.get(path).body();
            String reply = "We will call you tomorrow morning " + UUID.randomUUID();
            HttpResponse<String> sent =
                    cora.postWithCsrf(page, path + "/reply", "text", reply, "canned", "");
            assertTrue(
                    sent.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"));
            JsonObject pushed = chat.nextOfType("reply");
            assertEquals(reply, pushed.getString("text"));
            String note = "private note " + UUID.randomUUID();
            assertEquals(302, cora.postWithCsrf(page, path + "/note", "text", note).statusCode());
            page = cora.get(path).body();
            assertTrue(page.contains(note) && page.contains(reply));
            String dump = DatabaseDump.dump(haven.database().connectOptions());
            assertFalse(
                    dump.contains(note) || dump.contains(DatabaseDump.hexOf(note)),
                    "note in clear in the database");
            assertFalse(
                    dump.contains(reply) || dump.contains(DatabaseDump.hexOf(reply)),
                    "reply in clear in the database");
            chat.say("thank you " + marker);
            chat.nextOfType("ack");
            page = cora.get(path).body();
            assertTrue(
                    page.contains("thank you " + marker),
                    "the person's later message is not in the case");
            HttpResponse<String> closed =
                    cora.postWithCsrf(page, path + "/status", "status", "closed");
            assertEquals(302, closed.statusCode());
            assertTrue(cora.get("/inbox?queue=closed").body().contains(path));
            assertFalse(cora.get("/inbox?queue=new").body().contains(path));
        }
    }

    /**
     * Verifies that a person writing to a closed case reopens it to the coordinator who last held
     * it: on their Mine list again (not in New, where anyone could take it), marked reopened on the
     * list and on the case page, announced live, audited; closing it again clears the mark.
     */
    @Test
    void testMessageToClosedCaseReopensItToItsLastHolder() throws Exception {
        String marker = "reopen-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            InboxClient colm = as("colm");
            String path = caseClosedBy(colm, chat, marker);
            assertFalse(colm.get("/inbox?queue=mine").body().contains(path));

            HttpResponse<Stream<String>> stream =
                    colm.http()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + haven.port()
                                                                    + "/inbox/events"))
                                            .timeout(Duration.ofSeconds(60))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofLines());
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                String caseId = path.substring(path.lastIndexOf('/') + 1);
                Future<List<String>> events =
                        reader.submit(
                                () ->
                                        stream.body()
                                                .filter(
                                                        l ->
                                                                l.startsWith("event: ")
                                                                        || l.contains(caseId))
                                                .limit(4)
                                                .toList());
                chat.say("one more thing " + marker);
                chat.nextOfType("ack");
                List<String> seen = events.get(20, TimeUnit.SECONDS);
                assertTrue(
                        seen.contains("event: message_new") && seen.contains("event: case_changed"),
                        seen.toString());
            } finally {
                reader.shutdownNow();
            }

            String mine = colm.get("/inbox?queue=mine").body();
            assertTrue(
                    mine.contains(path), "the reopened case is not back on its holder's Mine list");
            assertTrue(
                    mine.contains("Reopened: the person wrote again"),
                    "the case is not marked reopened on the list");
            assertFalse(
                    colm.get("/inbox?queue=new").body().contains(path),
                    "the reopened case went to New, unassigned");
            String page = colm.get(path).body();
            assertTrue(
                    page.contains("Reopened: the person wrote again")
                            && page.contains("one more thing " + marker));
            assertEquals(
                    1,
                    auditCount(
                            "case_reopened",
                            UUID.fromString(path.substring(path.lastIndexOf('/') + 1))),
                    "the reopening is not audited");

            assertEquals(
                    302,
                    colm.postWithCsrf(page, path + "/status", "status", "closed").statusCode());
            assertFalse(
                    colm.get("/inbox?queue=closed")
                            .body()
                            .contains("Reopened: the person wrote again"),
                    "closed again, still marked");
        }
    }

    /**
     * Verifies that a closed case whose last holder can no longer work it (the account was removed)
     * goes back to New, unassigned, marked reopened, when the person writes again.
     */
    @Test
    void testMessageToClosedCaseOfRemovedHolderGoesToNew() throws Exception {
        String marker = "reopen-gone-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            String path = caseClosedBy(as("rita"), chat, marker);
            // the state removal leaves (without rotating the team key under the other tests of this
            // class)
            haven.database()
                    .pool()
                    .query("UPDATE accounts SET disabled_at = now() WHERE username = 'rita'")
                    .execute()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            chat.say("are you still there " + marker);
            chat.nextOfType("ack");
            String fresh = as("cora").get("/inbox?queue=new").body();
            assertTrue(fresh.contains(path), "the case of a removed holder is not back in New");
            assertTrue(fresh.contains("Reopened: the person wrote again"));
            assertTrue(as("cora").get(path).body().contains("Reopened: the person wrote again"));
        }
    }

    /**
     * Verifies that "Talk to a person" pressed before the intake says where the person lives makes
     * a case that every coordinator sees (here one of Halifax and one of Toronto), urgent and
     * before every case that is not, marked as asked for a person and never triaged out of the
     * mandate; a coordinator of any group can take it. Before, it was triaged "Outside the
     * mandate", sorted last and put in the national group, which neither of them sees.
     */
    @Test
    void testTalkToAPersonEarlyReachesEveryCoordinatorFirst() throws Exception {
        String ordinary = "ordinary-" + UUID.randomUUID();
        newCase(IntakeDriver.survivorAnswers(ordinary), ordinary);
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(
                    chat,
                    List.of("yes", "en", "survivor", "no", "yes", "torture", "Talk to a person"));
            InboxClient hal = as("hal");
            String halQueue = hal.get("/inbox?queue=new").body();
            String path = askedEarly(halQueue);
            String coraQueue = as("cora").get("/inbox?queue=new").body();
            assertEquals(path, askedEarly(coraQueue));
            assertTrue(
                    coraQueue.indexOf(path) < coraQueue.indexOf("<tr data-claimable><td>"),
                    "not before the cases that are not urgent");
            String page = hal.get(path).body();
            assertTrue(
                    page.contains("Not triaged: asked for a person first")
                            && page.contains("Asked for a person"),
                    page);
            assertFalse(page.contains("Outside the mandate"));
            assertEquals(302, hal.postWithCsrf(page, path + "/claim").statusCode());
            assertTrue(hal.get("/inbox?queue=mine").body().contains(path));
        }
    }

    /**
     * Verifies that "Talk to a person" after the hand-off marks the person's case as asked for a
     * person and urgent.
     */
    @Test
    void testTalkToAPersonAfterHandOffMarksTheCase() throws Exception {
        String marker = "asked-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            String path = casePath(as("cora"), marker);
            assertFalse(as("cora").get(path).body().contains("Asked for a person"));
            chat.untilAck(chat.say("Talk to a person"));
            String page = as("cora").get(path).body();
            assertTrue(page.contains("Asked for a person"), "the case is not marked");
            String queue = as("cora").get("/inbox?queue=new").body();
            assertTrue(
                    queue.contains(
                            "<tr class=\"urgent\" data-claimable><td><a href=\"" + path + "\""),
                    "the case is not urgent");
            assertEquals(
                    1,
                    auditCount(
                            "person_asked",
                            UUID.fromString(path.substring(path.lastIndexOf('/') + 1))));
        }
    }

    /** The one case of a queue page with no working group yet, marked as asked for a person. */
    private static String askedEarly(String queuePage) {
        List<String> found = new ArrayList<>();
        for (String row : queuePage.split("<tr")) {
            Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(row);
            if (row.contains("Asked for a person")
                    && row.contains("Any group (place not given yet)")
                    && m.find()) {
                found.add(m.group(1));
            }
        }
        assertEquals(1, found.size(), "cases asked for early: " + found);
        return found.get(0);
    }

    /**
     * Runs an intake on {@code chat}; {@code coordinator} claims the case and closes it. Returns
     * its inbox path.
     */
    private static String caseClosedBy(InboxClient coordinator, ChatClient chat, String marker)
            throws Exception {
        IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
        String path = casePath(coordinator, marker);
        assertEquals(
                302,
                coordinator
                        .postWithCsrf(coordinator.get(path).body(), path + "/claim")
                        .statusCode());
        assertEquals(
                302,
                coordinator
                        .postWithCsrf(
                                coordinator.get(path).body(), path + "/status", "status", "closed")
                        .statusCode());
        return path;
    }

    private static long auditCount(String action, UUID caseId) throws Exception {
        return haven.database()
                .pool()
                .preparedQuery("SELECT count(*) FROM audit_log WHERE action = $1 AND case_id = $2")
                .execute(Tuple.of(action, caseId))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .iterator()
                .next()
                .getLong(0);
    }

    /**
     * Verifies that an administrator hands a case to a coordinator of its group, and not to one of
     * another group.
     */
    @Test
    void testAdminReassignsWithinTheGroupOnly() throws Exception {
        String marker = "assign-" + UUID.randomUUID();
        String path = newCase(IntakeDriver.survivorAnswers(marker), marker);
        InboxClient admin = as(TestHaven.ADMIN);
        String page = admin.get(path).body();
        assertTrue(
                page.contains(">colm</option>") && !page.contains(">hal</option>"),
                "assignee list ignores the group");
        Matcher m = Pattern.compile("<option value=\"(\\d+)\">colm</option>").matcher(page);
        assertTrue(m.find());
        assertTrue(
                admin.postWithCsrf(page, path + "/reassign", "account", m.group(1))
                        .headers()
                        .firstValue("Location")
                        .orElse("")
                        .endsWith("m=case.assigned"));
        assertTrue(as("colm").get("/inbox?queue=mine").body().contains(path));
        Matcher hal = Pattern.compile("name=\"account\">").matcher(page);
        assertTrue(hal.find());
    }

    /**
     * Verifies that the dashboard counts cases without showing anything a person wrote, and
     * agencies cannot see it.
     */
    @Test
    void testDashboardShowsAggregatesOnly() throws Exception {
        String marker = "dash-" + UUID.randomUUID();
        newCase(IntakeDriver.survivorAnswers(marker), marker);
        InboxClient cora = as("cora");
        HttpResponse<String> json = cora.get("/inbox/dashboard.json");
        assertEquals(200, json.statusCode());
        JsonObject data = new JsonObject(json.body());
        double webchat =
                data.getJsonArray("weekly").stream()
                        .map(o -> (JsonObject) o)
                        .filter(r -> "webchat".equals(r.getString("channel")))
                        .mapToDouble(r -> r.getDouble("n"))
                        .sum();
        assertTrue(webchat >= 1, json.body());
        assertTrue(
                data.getJsonArray("open").stream()
                        .map(o -> (JsonObject) o)
                        .anyMatch(r -> "toronto".equals(r.getString("working_group"))));
        HttpResponse<String> page = cora.get("/inbox/dashboard");
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains(marker) || json.body().contains(marker));
        assertFalse(page.body().contains("Syria") || page.body().contains("416"));
        assertEquals(200, cora.get("/inbox/assets/chart.umd.js").statusCode());
        assertEquals(403, as("agnes").get("/inbox/dashboard").statusCode());
    }

    /** Verifies that an open inbox is told over Server-Sent Events when a new case arrives. */
    @Test
    void testNewCaseIsAnnouncedLive() throws Exception {
        InboxClient cora = as("cora");
        HttpClient http = cora.http();
        HttpResponse<Stream<String>> stream =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + haven.port()
                                                        + "/inbox/events"))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<String> firstEvent =
                    reader.submit(
                            () ->
                                    stream.body()
                                            .filter(l -> l.startsWith("event: "))
                                            .findFirst()
                                            .orElse(null));
            IntakeDriver.completeIntake(haven.port(), "live-" + UUID.randomUUID());
            String event = firstEvent.get(20, TimeUnit.SECONDS);
            assertNotNull(event);
            assertEquals("event: case_new", event);
        } finally {
            reader.shutdownNow();
        }
    }

    /**
     * Verifies that an idle session ends: the next request goes to the login page and the key is
     * wiped. The idle time passes on the test clock, not in real time; every other session of this
     * gateway ends with it, and {@link InboxSessions} logs in again where a later test needs one.
     */
    @Test
    void testExpiredSessionIsSentToLogin() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        assertEquals(200, admin.get("/inbox").statusCode());
        TestClock.SHARED.advance(IDLE_TIMEOUT.plusSeconds(1));
        HttpResponse<String> after = admin.get("/inbox");
        assertEquals(302, after.statusCode());
        assertEquals("/inbox/login", after.headers().firstValue("Location").orElse(""));
    }
}
