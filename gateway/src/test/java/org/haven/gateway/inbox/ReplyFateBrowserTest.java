package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * What becomes of a coordinator's reply to a person who closed the web chat (issue 16, scope 4),
 * and of a closed case the person writes to again (scope 6), as a coordinator sees it in a real
 * browser: each change arrives on the open page, without a reload.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplyFateBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final String COORDINATOR = "cora";
    private static final String CASE_LINK = "table.queue a[href^='/inbox/cases/']";
    private static final String SENDING = "Sending…";
    private static final String WAITING =
            "Waiting for the person to come back to the chat. Kept until ";
    private static final String SHOWN = "Shown on the person's chat page.";
    private static final String EXPIRED = "Not delivered: the person did not come back before ";
    private static final String REOPENED = "Reopened: the person wrote again";

    /** When a reply waiting now is given up: 30 days on, in the page's format. */
    private static final String UNTIL = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC\\.";

    /**
     * Run in every page before its own scripts: notes when the page's live stream (inbox.js's
     * EventSource) is open, so that a test makes a change only once the page can hear of it.
     */
    private static final String STREAM_PROBE =
            "(function () { var Real = window.EventSource; if (!Real) { return; }"
                    + " window.EventSource = function (url, options) { var es = new Real(url, options);"
                    + " es.addEventListener('open', function () { window.havenStreamOpen = true; }); return es; };"
                    + " window.EventSource.prototype = Real.prototype; })();";

    /**
     * Like {@link #STREAM_PROBE}, but the stream opens only when the test calls {@code
     * havenConnect()}: a slow connection, on which the page was shown well before it listens.
     */
    private static final String SLOW_STREAM =
            "(function () { var Real = window.EventSource; if (!Real) { return; }"
                    + " window.EventSource = function (url, options) { var real = null; var early = [];"
                    + " window.havenConnect = function () { real = new Real(url, options);"
                    + "  real.addEventListener('open', function () { window.havenStreamOpen = true; });"
                    + "  early.forEach(function (l) { real.addEventListener(l[0], l[1]); }); };"
                    + " return { addEventListener: function (kind, f) { if (real) { real.addEventListener(kind, f); }"
                    + "  else { early.push([kind, f]); } } }; }; })();";

    @TempDir static Path dataDir;
    private static Haven haven;
    private static TestHaven.Credentials codes;

    /**
     * One Haven for the class, with a coordinator of the Toronto group (the intake's city); each
     * test a browser of its own.
     */
    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        haven = TestHaven.start(dataDir, Map.of());
        codes = coordinator();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    /**
     * Verifies scope 4 on the case page: a reply written in the browser to a person whose chat is
     * closed shows "Sending…" and then, live, that it waits for the person to come back (and until
     * when); when the person comes back with their resume token they receive it, as a
     * coordinator's, and the open page says, live, that it was shown on their chat page. A second
     * reply that the person does not come back for in time (its 30-day deadline moved into the past
     * in the database: the page cannot wait 30 days) says, live, plainly that it was not delivered,
     * and the person who comes back later never receives it, while their copy of the conversation
     * still shows the first. The person comes back as the chat page does after a reload; what they
     * are shown never holds the script's {@code {reference}} (before, the hand-off's last words
     * were kept for a reload without the case reference filled in).
     */
    @Test
    void testReplySaysLiveThatItWaitsWasShownOrWasNotDelivered() throws Exception {
        Browser.assumeAvailable();
        String marker = "fate-" + UUID.randomUUID();
        try (Browser browser = Browser.start(1280, 900)) {
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                token = IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker)).resumeToken();
            } // the person closes the chat after the intake

            probe(browser, STREAM_PROBE);
            logIn(browser);
            UUID caseId = claimCase(browser, marker);

            // an earlier message of the conversation still pending holds the reply back, as a busy
            // outbox would: the page is shown before the reply's first attempt, whose outcome then
            // has to arrive live
            UUID held = holdConversation(caseId);
            String first = "We can meet on Tuesday " + UUID.randomUUID();
            reply(browser, first);
            assertEquals(SENDING, read(browser, w -> fateOf(w, first)));
            String page = listening(browser);
            screenshotAt(browser, "reply-fate-sending", first);

            release(held);
            String waiting =
                    browser.await(
                            "the reply waiting for the person, live",
                            w -> {
                                String f = fateOf(w, first);
                                return f != null && f.startsWith(WAITING) ? f : null;
                            });
            assertTrue(waiting.matches(Pattern.quote(WAITING) + UNTIL), waiting);
            assertSamePage(browser, page);
            screenshotAt(browser, "reply-fate-waiting", first);

            // the person comes back and gets the reply; the page says so
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                comeBack(chat, token);
                token = chat.nextOfType("session").getString("resume");
                List<JsonObject> frames = new ArrayList<>();
                JsonObject frame;
                do {
                    frame = chat.nextOfType("reply");
                    frames.add(frame);
                } while (!first.equals(frame.getString("text")));
                assertEquals(
                        "coordinator",
                        frame.getString("from"),
                        "the reply did not come as a coordinator's: " + frame);
                assertNoPlaceholder(frames);
                browser.await("the reply shown, live", w -> SHOWN.equals(fateOf(w, first)));
                assertSamePage(browser, page);
                screenshotAt(browser, "reply-fate-shown", first);
            } // and leaves again

            // a second reply, which the person does not come back for before its deadline
            String second = "Are you safe to talk this week " + UUID.randomUUID();
            reply(browser, second);
            browser.await(
                    "the second reply waiting",
                    w -> {
                        String f = fateOf(w, second);
                        return f != null && f.startsWith(WAITING);
                    });
            page = listening(browser);
            RowSet<Row> moved =
                    sql(
                            "UPDATE outbox SET expires_at = now() - interval '1 second', next_attempt_at = now()"
                                    + " WHERE entry_case = $1 AND status = 'pending'",
                            caseId);
            assertEquals(1, moved.rowCount(), "not exactly the second reply was waiting");
            String expired =
                    browser.await(
                            "the second reply plainly not delivered, live",
                            w -> {
                                String f = fateOf(w, second);
                                return f != null && f.startsWith(EXPIRED) ? f : null;
                            });
            assertTrue(expired.matches(Pattern.quote(EXPIRED) + UNTIL), expired);
            assertTrue(
                    read(browser, w -> deliveryOf(w, second).getAttribute("class"))
                            .contains("failed"),
                    "not marked as a failure");
            assertEquals(
                    SHOWN,
                    read(browser, w -> fateOf(w, first)),
                    "the first reply's fate was not kept");
            assertSamePage(browser, page);
            screenshotAt(browser, "reply-fate-not-delivered", second);

            // coming back now, the person is shown the first reply again but never the expired one
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                comeBack(chat, token);
                chat.nextOfType("session");
                List<JsonObject> frames = new ArrayList<>(chat.sync());
                frames.addAll(chat.drain(Duration.ofSeconds(2)));
                assertTrue(
                        frames.stream()
                                .anyMatch(
                                        f ->
                                                "history".equals(f.getString("type"))
                                                        && "coordinator".equals(f.getString("from"))
                                                        && first.equals(f.getString("text"))),
                        "the person's copy lacks the reply they were shown: " + frames);
                assertFalse(
                        frames.stream()
                                .anyMatch(
                                        f -> String.valueOf(f.getString("text")).contains(second)),
                        "the expired reply reached the person: " + frames);
                assertNoPlaceholder(frames);
            }
        }
    }

    /**
     * Verifies that a reply's fate that changes after the case page was shown but before its live
     * stream is open (a slow connection: here the stream opens only once the change is made) is
     * still shown, without a reload: the page looks again once it listens. Before, the page only
     * looked again when the stream reopened after a loss, and kept saying "Sending…".
     */
    @Test
    void testFateThatChangesBeforeThePageListensIsStillShown() throws Exception {
        Browser.assumeAvailable();
        String marker = "fate-slow-" + UUID.randomUUID();
        try (Browser browser = Browser.start(1280, 900)) {
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            }
            probe(browser, SLOW_STREAM);
            logIn(browser);
            UUID caseId = claimCase(browser, marker);
            UUID held = holdConversation(caseId);
            String text = "We tried to reach you " + UUID.randomUUID();
            reply(browser, text);
            assertEquals(SENDING, read(browser, w -> fateOf(w, text)));
            String page = UUID.randomUUID().toString();
            browser.js("window.havenPage = arguments[0]", page);

            // the reply finds the person away while the page does not listen yet
            release(held);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"true"
                    .equals(
                            String.valueOf(
                                    sql(
                                                    "SELECT waiting_since IS NOT NULL FROM outbox WHERE entry_case = $1",
                                                    caseId)
                                            .iterator()
                                            .next()
                                            .getValue(0)))) {
                assertTrue(System.nanoTime() < deadline, "the reply never found the person away");
                Thread.sleep(50);
            }
            assertEquals(
                    SENDING,
                    read(browser, w -> fateOf(w, text)),
                    "the page changed before it listened");
            browser.js("havenConnect()");
            browser.await(
                    "the page's live stream",
                    w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
            browser.await(
                    "the reply waiting for the person, once the page listens",
                    w -> {
                        String f = fateOf(w, text);
                        return f != null && f.startsWith(WAITING);
                    });
            assertSamePage(browser, page);
            screenshotAt(browser, "reply-fate-after-slow-stream", text);
        }
    }

    /**
     * Verifies scope 6 on the Mine list: a coordinator who held a case closes it from the case
     * page; when the person writes to it again with their resume token, the coordinator's open Mine
     * list shows it again, live, still theirs and marked reopened; it is not on the New list, and
     * its page shows the person's message and the mark.
     */
    @Test
    void testClosedCaseThePersonWritesToComesBackLiveOnItsHoldersMineList() throws Exception {
        Browser.assumeAvailable();
        String marker = "reopen-" + UUID.randomUUID();
        try (Browser browser = Browser.start(1280, 900)) {
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                token = IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker)).resumeToken();
            }
            probe(browser, STREAM_PROBE);
            WebDriver d = logIn(browser);
            String base = "http://127.0.0.1:" + haven.port();
            String path = "/inbox/cases/" + claimCase(browser, marker);
            assertTrue(d.findElement(By.id("case-status")).getText().startsWith("Claimed"));

            new Select(d.findElement(By.id("status")))
                    .selectByValue("closed"); // the toolbar saves on change
            browser.await(
                    "the queue after closing",
                    w -> w.getCurrentUrl().equals(base + "/inbox?m=status.closed"));
            d.get(base + "/inbox?queue=closed");
            Listed closed = browser.await("the case on the Closed list", w -> listed(w, path));
            assertTrue(
                    closed.marks().isEmpty(), "marked reopened before the person wrote: " + closed);

            // Mine, without it (it may hold the other tests' cases)
            d.get(base + "/inbox?queue=mine");
            browser.await("the Mine list", w -> !w.findElements(By.id("queue")).isEmpty());
            assertTrue(rows(d, path).isEmpty(), "the closed case is on the Mine list");
            String page = listening(browser);
            browser.screenshot("reopen-mine-before");

            // the person writes to the closed case
            String message = "one more thing " + marker;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                chat.nextOfType("session");
                chat.sync();
                chat.untilAck(chat.say(message));
            }
            Listed mine = browser.await("the case back on Mine, live", w -> listed(w, path));
            assertEquals(List.of(REOPENED), mine.marks(), "not marked reopened: " + mine);
            assertTrue(
                    mine.cells().contains(COORDINATOR), "not assigned to its last holder: " + mine);
            assertSamePage(browser, page);
            browser.screenshot("reopen-mine-live");

            d.get(base + "/inbox?queue=new");
            browser.await("the New list", w -> !w.findElements(By.id("queue")).isEmpty());
            assertTrue(rows(d, path).isEmpty(), "the reopened case is on the New list");
            browser.screenshot("reopen-new-without-it");

            d.get(base + path);
            browser.await("the case page", w -> !w.findElements(By.id("case-status")).isEmpty());
            assertEquals(
                    1,
                    d.findElements(By.cssSelector("#case-status span.mark.reopened")).size(),
                    "the case page lacks the mark");
            assertTrue(
                    d.findElements(By.cssSelector("li.entry.message_in p.text")).stream()
                            .anyMatch(p -> p.getText().equals(message)),
                    "the person's message is not on the case page");
            browser.screenshot("reopen-case-page");
        }
    }

    /**
     * Opens the conversation again as the chat page does after a reload (or in a tab that kept the
     * token): with the resume token, asking for the person's copy of the conversation.
     */
    private static void comeBack(ChatClient chat, String token) throws Exception {
        chat.sendRaw(
                new JsonObject()
                        .put("type", "start")
                        .put("resume", token)
                        .put("history", true)
                        .encode());
    }

    /**
     * Fails when what the person is shown still holds a placeholder of the script, such as {@code
     * {reference}}.
     */
    private static void assertNoPlaceholder(List<JsonObject> frames) {
        for (JsonObject f : frames) {
            String text = f.getString("text");
            assertFalse(
                    text != null && text.matches("(?s).*\\{[a-z_]+\\}.*"),
                    "the person was shown a placeholder: " + f);
        }
    }

    /** Creates the coordinator and enrols its second factor. */
    private static TestHaven.Credentials coordinator() throws Exception {
        return TestHaven.coordinator(haven, dataDir, COORDINATOR, PASS, "toronto");
    }

    /** Runs {@code script} in every page the browser opens from now on, before the page's own. */
    private static void probe(Browser browser, String script) {
        ((ChromeDriver) browser.driver())
                .executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
    }

    private static WebDriver logIn(Browser browser) {
        String base = "http://127.0.0.1:" + haven.port();
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        d.findElement(By.id("username")).sendKeys(COORDINATOR);
        d.findElement(By.id("passphrase")).sendKeys(TestHaven.chosen(PASS));
        d.findElement(By.id("code")).sendKeys(codes.nextCode());
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }

    /**
     * Finds the case of {@code marker} on the New list, opens it, claims it with its button, and
     * returns its id.
     */
    private static UUID claimCase(Browser browser, String marker) {
        WebDriver d = browser.driver();
        d.get("http://127.0.0.1:" + haven.port() + "/inbox?queue=new&q=" + marker);
        List<WebElement> links =
                browser.await(
                        "the case on the New list",
                        w -> {
                            List<WebElement> found = w.findElements(By.cssSelector(CASE_LINK));
                            return found.isEmpty() ? null : found;
                        });
        assertEquals(1, links.size());
        String href = links.get(0).getAttribute("href");
        links.get(0).click();
        browser.await(
                "the case page",
                w -> w.getCurrentUrl().equals(href) && !w.findElements(By.id("claim")).isEmpty());
        d.findElement(By.id("claim")).click();
        browser.await(
                "the claimed case",
                w ->
                        w.getCurrentUrl().equals(href + "?m=case.claimed")
                                && !w.findElements(By.id("reply-text")).isEmpty());
        return UUID.fromString(href.substring(href.lastIndexOf('/') + 1));
    }

    /** Writes a reply in the case page's form and sends it. */
    private static void reply(Browser browser, String text) {
        WebDriver d = browser.driver();
        d.findElement(By.id("reply-text")).sendKeys(text);
        d.findElement(By.id("send-reply")).click();
        browser.await(
                "the reply queued",
                w -> w.getCurrentUrl().endsWith("?m=case.reply.sent") && fateOf(w, text) != null);
    }

    /**
     * Waits for the page's live stream to be open and marks the page, so that {@link
     * #assertSamePage} can tell it was not loaded again.
     */
    private static String listening(Browser browser) {
        browser.await(
                "the page's live stream",
                w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
        String page = UUID.randomUUID().toString();
        browser.js("window.havenPage = arguments[0]", page);
        return page;
    }

    private static void assertSamePage(Browser browser, String page) {
        assertEquals(
                page,
                browser.js("return window.havenPage"),
                "the page was loaded again, not updated live");
    }

    /**
     * What the case page says became of the coordinator's reply {@code text}: null when it is not
     * there.
     */
    private static String fateOf(WebDriver d, String text) {
        WebElement p = deliveryOf(d, text);
        return p == null ? (replyEntry(d, text) == null ? null : "") : p.getText();
    }

    private static WebElement deliveryOf(WebDriver d, String text) {
        WebElement entry = replyEntry(d, text);
        if (entry == null) {
            return null;
        }
        List<WebElement> p = entry.findElements(By.cssSelector("p.delivery"));
        return p.isEmpty() ? null : p.get(0);
    }

    private static WebElement replyEntry(WebDriver d, String text) {
        for (WebElement li : d.findElements(By.cssSelector("#conversation li.entry.message_out"))) {
            if (li.findElement(By.cssSelector("p.text")).getText().equals(text)) {
                return li;
            }
        }
        return null;
    }

    /**
     * Saves a screenshot with the coordinator's reply {@code text} (and what became of it) in view.
     */
    private static void screenshotAt(Browser browser, String name, String text) throws Exception {
        read(
                browser,
                w -> {
                    WebElement entry = replyEntry(w, text);
                    return entry == null
                            ? null
                            : browser.js(
                                    "arguments[0].scrollIntoView({block: 'center'}); return true;",
                                    entry);
                });
        browser.screenshot(name);
    }

    /** What a queue's row of a case says: its text, its "reopened" marks, and its cells. */
    private record Listed(String text, List<String> marks, List<String> cells) {}

    /**
     * The queue's row of the case at {@code path}, or null when the list on the page does not have
     * it.
     */
    private static Listed listed(WebDriver d, String path) {
        List<WebElement> found = rows(d, path);
        if (found.isEmpty()) {
            return null;
        }
        WebElement row = found.get(0);
        return new Listed(
                row.getText(),
                row.findElements(By.cssSelector("span.mark.reopened")).stream()
                        .map(WebElement::getText)
                        .toList(),
                row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
    }

    /** Reads the page, again if a live update replaced what was read meanwhile. */
    private static <T> T read(Browser browser, Function<WebDriver, T> what) {
        return browser.await("a read of the page", what);
    }

    /** The rows of the queue on the page that link to the case at {@code path}. */
    private static List<WebElement> rows(WebDriver d, String path) {
        return d.findElements(
                By.xpath("//table[contains(@class,'queue')]//tr[td/a[@href='" + path + "']]"));
    }

    /**
     * Puts a pending message of the case's conversation in the outbox that is not due for an hour:
     * the outbox sends a conversation's messages in order, so the replies behind it wait.
     */
    private static UUID holdConversation(UUID caseId) throws Exception {
        UUID id = UUID.randomUUID();
        RowSet<Row> rs =
                sql(
                        "INSERT INTO outbox (id, conversation_id, channel, body, status, expires_at, next_attempt_at)"
                                + " SELECT $1, conversation_id, 'webchat', decode('00', 'hex'), 'pending', now() + interval '1 day',"
                                + " now() + interval '1 hour' FROM cases WHERE id = $2",
                        id,
                        caseId);
        assertEquals(1, rs.rowCount());
        return id;
    }

    private static void release(UUID held) throws Exception {
        assertEquals(1, sql("DELETE FROM outbox WHERE id = $1", held).rowCount());
    }

    private static RowSet<Row> sql(String statement, Object... args) throws Exception {
        return haven.database()
                .pool()
                .preparedQuery(statement)
                .execute(Tuple.from(Arrays.asList(args)))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }
}
