package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 19, scopes 10, 4 and 2, in headless Chromium on a 390 px phone and a 1280 px laptop: the
 * answers the intake marks sensitive are folded behind a "show" control unless the account turns
 * that off on the Settings page; an administrator deletes a case after a confirmation, the way the
 * retention purge does, and a page open on it says so; the queue marks a case this account has not
 * read ("Unread", "New message") until it opens it. Screenshots go to {@code
 * target/screenshots/issue19-*}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CaseCareBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final String COORDINATOR = "cleo";
    private static final String CASE_LINK = "table.queue a[href^='/inbox/cases/']";

    /** The answer to the default script's sensitive question in {@link IntakeDriver}. */
    private static final String SENSITIVE_ANSWER = "Torture";

    /** Notes in every page when inbox.js's live stream is open. */
    private static final String STREAM_PROBE =
            "(function () { var Real = window.EventSource; if (!Real) { return; }"
                    + " window.EventSource = function (url, options) { var es = new Real(url, options);"
                    + " es.addEventListener('open', function () { window.havenStreamOpen = true; }); return es; };"
                    + " window.EventSource.prototype = Real.prototype; })();";

    @TempDir static Path dataDir;
    private static Haven haven;
    private static TestHaven.Credentials cleo;
    private static TestHaven.Credentials ada;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
        cleo = TestHaven.coordinator(haven, dataDir, COORDINATOR, PASS, "toronto");
        ada = TestHaven.credentials(haven.teamKeys().setupCodeFile().getParent(), TestHaven.ADMIN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    @BeforeEach
    void needBrowser() throws Exception {
        Browser.assumeAvailable();
        TestHaven.everyoneInEnglish(haven);
    }

    /**
     * Verifies that the answer to "What happened" (marked sensitive in the intake script) is not in
     * the case page's visible text until the coordinator opens its "show" control with the
     * keyboard, that the other answers are shown as before, that the Settings page keeps the choice
     * per account (on by default; off shows the answer at once), in English and French, and that
     * axe finds nothing on either page.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testSensitiveAnswersAreHiddenUntilShown(int width, int height) throws Exception {
        String marker = "care-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            WebDriver d = logIn(browser, COORDINATOR, TestHaven.chosen(PASS), cleo);
            String href = open(browser, marker);
            WebElement panel = unfoldAnswers(browser);

            WebElement answer = answerOf(d, "What happened");
            WebElement fold = answer.findElement(By.cssSelector("details.sensitive"));
            assertEquals(null, fold.getAttribute("open"), "the sensitive answer is open");
            assertFalse(
                    panel.getText().contains(SENSITIVE_ANSWER),
                    "the sensitive answer shows: " + panel.getText());
            assertTrue(answerOf(d, "Country").getText().contains("Syria"), "other answers hidden");
            WebElement summary = fold.findElement(By.tagName("summary"));
            assertEquals("Sensitive answer: show", summary.getText());
            String describedBy = summary.getAttribute("aria-describedby");
            assertEquals(
                    "What happened",
                    d.findElement(By.id(describedBy)).getAttribute("textContent"),
                    "the control does not say which answer it shows");
            browser.assertNoAxeViolationsAlsoExperimental("a folded sensitive answer at " + width);
            browser.screenshot("issue19-sensitive-hidden-" + width);

            // the keyboard opens it
            browser.js("arguments[0].focus()", summary);
            summary.sendKeys(Keys.ENTER);
            browser.await("the answer shown", w -> fold.getAttribute("open") != null);
            assertTrue(answer.getText().contains(SENSITIVE_ANSWER), answer.getText());
            browser.assertNoAxeViolations("a sensitive answer shown at " + width);
            browser.screenshot("issue19-sensitive-shown-" + width);

            // Settings: on by default; off shows it at once
            d.get(base + "/inbox/settings");
            WebElement hide = d.findElement(By.id("hide-sensitive"));
            assertTrue(hide.isSelected(), "hiding is not on by default");
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/settings at " + width);
            browser.screenshot("issue19-settings-sensitive-" + width);
            hide.click();
            d.findElement(By.id("save-sensitive")).click();
            browser.await(
                    "saved", w -> w.getCurrentUrl().endsWith("/inbox/settings?saved=sensitive"));
            assertFalse(d.findElement(By.id("hide-sensitive")).isSelected(), "not kept");
            d.get(href);
            unfoldAnswers(browser);
            WebElement plain = answerOf(d, "What happened");
            assertTrue(plain.findElements(By.cssSelector("details.sensitive")).isEmpty());
            assertTrue(plain.getText().contains(SENSITIVE_ANSWER), plain.getText());
            // another account keeps its own choice
            InboxClient admin = TestHaven.loggedIn(haven);
            assertTrue(
                    admin.get(href.substring(base.length()))
                            .body()
                            .contains("<details class=\"sensitive\">"),
                    "the administrator's answers are not hidden");

            // on again, and in French
            d.get(base + "/inbox/settings");
            d.findElement(By.id("hide-sensitive")).click();
            d.findElement(By.id("save-sensitive")).click();
            browser.await("saved", w -> w.findElement(By.id("hide-sensitive")).isSelected());
            d.findElement(By.id("settings-lang-fr")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "French", w -> w.findElement(By.tagName("h1")).getText().equals("Paramètres"));
            assertTrue(
                    d.findElement(By.tagName("main")).getText().contains("Réponses sensibles"),
                    "the setting is not in French");
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/settings (fr) at " + width);
            d.get(href);
            unfoldAnswers(browser);
            assertEquals(
                    "Réponse sensible : afficher",
                    d.findElement(By.cssSelector("details.sensitive summary")).getText());
            browser.assertNoAxeViolationsAlsoExperimental("a folded answer (fr) at " + width);
            d.get(base + "/inbox/settings");
            d.findElement(By.id("settings-lang-en")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "English", w -> w.findElement(By.tagName("h1")).getText().equals("Settings"));
        }
    }

    /**
     * Verifies that an administrator deletes a case from its page only after a confirmation that
     * says what will go (declining keeps it); that the case, its entries and its conversation's
     * state are gone, the deletion is audited, and another page open on the case says so live; and
     * that a coordinator has no delete button.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testAdministratorDeletesACaseAfterConfirming(int width, int height) throws Exception {
        String marker = "del-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            InboxClient coordinator = TestHaven.loggedIn(haven.port(), dataDir, COORDINATOR);
            ((ChromeDriver) browser.driver())
                    .executeCdpCommand(
                            "Page.addScriptToEvaluateOnNewDocument",
                            Map.of("source", STREAM_PROBE));
            WebDriver d = logIn(browser, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, ada);
            String href = open(browser, marker);
            String id = href.substring(href.lastIndexOf('/') + 1);
            String conversation =
                    text("SELECT conversation_id::text FROM cases WHERE id = '" + id + "'");
            assertTrue(conversation != null, "the case has no conversation");
            String page = coordinator.get(href.substring(base.length())).body();
            assertFalse(page.contains("id=\"delete-case\""), "a coordinator may delete");
            assertEquals(
                    403,
                    coordinator
                            .postWithCsrf(page, href.substring(base.length()) + "/delete")
                            .statusCode(),
                    "a coordinator deleted");

            // this page stays open on the case, live; the deletion is made from a second tab
            browser.await(
                    "the live stream",
                    w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
            browser.js("window.havenPage = 'same'");
            String watching = d.getWindowHandle();
            d.switchTo().newWindow(WindowType.TAB);
            d.get(href);
            browser.await("the case page", w -> w.findElement(By.id("conversation")));

            WebElement delete = d.findElement(By.id("delete-case"));
            browser.assertNoAxeViolationsAlsoExperimental("a case with its delete button");
            browser.js("arguments[0].scrollIntoView()", delete);
            browser.screenshot("issue19-case-delete-" + width);
            String reference = d.findElement(By.tagName("h1")).getText().replace("Case ", "");
            delete.click();
            Alert alert = browser.await("the confirmation", w -> w.switchTo().alert());
            String asked = alert.getText();
            assertTrue(asked.contains("Delete case " + reference + "?"), asked);
            assertTrue(asked.contains("conversation with the person"), asked);
            assertTrue(asked.contains("cannot be recovered"), asked);
            alert.dismiss();
            assertEquals(href, d.getCurrentUrl(), "declined, but it went ahead");
            assertEquals(1, count("SELECT count(*) FROM cases WHERE id = '" + id + "'"));

            d.findElement(By.id("delete-case")).click();
            browser.await("the confirmation", w -> w.switchTo().alert()).accept();
            browser.await(
                    "the queue", w -> w.getCurrentUrl().equals(base + "/inbox?m=case.deleted"));
            assertTrue(
                    d.findElement(By.cssSelector("[role=status]"))
                            .getText()
                            .contains("The case was deleted."));
            browser.assertNoAxeViolations("the queue after a deletion at " + width);

            assertEquals(0, count("SELECT count(*) FROM cases WHERE id = '" + id + "'"));
            assertEquals(
                    0, count("SELECT count(*) FROM case_entries WHERE case_id = '" + id + "'"));
            assertEquals(
                    0,
                    count("SELECT count(*) FROM conversations WHERE id = '" + conversation + "'"),
                    "the conversation's state stayed");
            assertEquals(
                    1,
                    count(
                            "SELECT count(*) FROM audit_log WHERE action = 'case_deleted'"
                                    + " AND case_id = '"
                                    + id
                                    + "'"),
                    "not audited");
            assertEquals(404, coordinator.get(href.substring(base.length())).statusCode());

            // the other open page says so, without a reload
            d.switchTo().window(watching);
            WebElement gone =
                    browser.await("the case gone", w -> w.findElement(By.id("case-gone")));
            assertTrue(gone.getText().contains("deleted"), gone.getText());
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            browser.screenshot("issue19-case-deleted-elsewhere-" + width);
        }
    }

    /**
     * Verifies that the queue marks a case this account never opened "Unread" (cards on a phone,
     * the table on a laptop), clears the mark when the account opens the case, marks it "New
     * message" when the person writes after that (in French too), clears it again on opening, and
     * keeps another account's marks apart; axe finds nothing on the marked queue.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testQueueMarksUnreadUntilTheAccountOpensTheCase(int width, int height) throws Exception {
        String marker = "unread-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            WebDriver d = logIn(browser, COORDINATOR, TestHaven.chosen(PASS), cleo);
            d.get(base + "/inbox?queue=new&q=" + marker);
            WebElement mark =
                    browser.await(
                            "the unread mark",
                            w -> w.findElement(By.cssSelector("#queue span.mark.unread")));
            assertTrue(mark.isDisplayed(), "the mark is not shown");
            assertEquals("Unread", mark.getText());
            String link = d.findElement(By.cssSelector(CASE_LINK)).getText();
            assertTrue(
                    d.findElement(By.cssSelector("#queue tbody tr td"))
                            .getText()
                            .contains(link + " Unread"),
                    "the mark is not with the reference");
            browser.assertNoAxeViolationsAlsoExperimental("the queue, unread, at " + width);
            browser.screenshot("issue19-queue-unread-" + width);

            // opening the case clears it, for this account only
            String href = open(browser, marker);
            String id = href.substring(href.lastIndexOf('/') + 1);
            d.get(base + "/inbox?queue=new&q=" + marker);
            browser.await("the case", w -> w.findElement(By.cssSelector(CASE_LINK)));
            assertTrue(d.findElements(By.cssSelector("#queue span.mark.unread")).isEmpty());
            String theirs = TestHaven.loggedIn(haven).get("/inbox?queue=new&q=" + marker).body();
            assertTrue(
                    Pattern.compile(
                                    "cases/"
                                            + id
                                            + "\">[^<]*</a> <span class=\"mark unread\">Unread</span>")
                            .matcher(theirs)
                            .find(),
                    "another account's mark was cleared");
            d.get(href);
            browser.await("the claim button", w -> w.findElement(By.id("claim"))).click();
            browser.await("claimed", w -> w.getCurrentUrl().endsWith("m=case.claimed"));
            d.get(base + "/inbox?queue=mine&q=" + marker);
            browser.await("the case", w -> w.findElement(By.cssSelector(CASE_LINK)));
            assertTrue(d.findElements(By.cssSelector("#queue span.mark.unread")).isEmpty());

            // the person writes: a new message, in French too
            person.say("one more thing " + marker);
            person.nextOfType("ack");
            WebElement fresh =
                    browser.await(
                            "the new-message mark",
                            w -> {
                                w.navigate().refresh();
                                return w.findElement(
                                        By.cssSelector("#queue span.mark.new-message"));
                            });
            assertEquals("New message", fresh.getText());
            browser.assertNoAxeViolationsAlsoExperimental("the queue, new message, at " + width);
            browser.screenshot("issue19-queue-new-message-" + width);
            d.get(base + "/inbox/settings");
            d.findElement(By.id("settings-lang-fr")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "French", w -> w.findElement(By.tagName("h1")).getText().equals("Paramètres"));
            d.get(base + "/inbox?queue=mine&q=" + marker);
            assertEquals(
                    "Nouveau message",
                    d.findElement(By.cssSelector("#queue span.mark.new-message")).getText());
            browser.assertNoAxeViolationsAlsoExperimental("the queue (fr) at " + width);
            d.get(base + "/inbox/settings");
            d.findElement(By.id("settings-lang-en")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "English", w -> w.findElement(By.tagName("h1")).getText().equals("Settings"));

            // opening it again clears the new-message mark
            d.get(href);
            browser.await("the case page", w -> w.findElement(By.id("conversation")));
            d.get(base + "/inbox?queue=mine&q=" + marker);
            browser.await("the case", w -> w.findElement(By.cssSelector(CASE_LINK)));
            assertTrue(
                    d.findElements(By.cssSelector("#queue span.mark.unread")).isEmpty(),
                    "opening the case did not clear the mark");
        }
    }

    private static WebDriver logIn(
            Browser browser, String username, String passphrase, TestHaven.Credentials codes) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        d.findElement(By.id("username")).sendKeys(username);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.id("code")).sendKeys(codes.nextCode());
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }

    /** Opens the case of {@code marker} from the New list; returns its address. */
    private static String open(Browser browser, String marker) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox?queue=new&q=" + marker);
        WebElement link =
                browser.await(
                        "the case on the list", w -> w.findElement(By.cssSelector(CASE_LINK)));
        String href = link.getAttribute("href");
        d.get(href);
        browser.await("the case page", w -> w.findElement(By.id("conversation")));
        return href;
    }

    /** The answers panel, unfolded (a phone folds it). */
    private static WebElement unfoldAnswers(Browser browser) {
        WebElement panel = browser.driver().findElement(By.id("answers-panel"));
        if (panel.getAttribute("open") == null) {
            panel.findElement(By.tagName("summary")).click();
        }
        browser.await("the answers", w -> panel.findElement(By.cssSelector("dl.answers")));
        return panel;
    }

    /** The {@code dd} of the answer under {@code label}. */
    private static WebElement answerOf(WebDriver d, String label) {
        List<WebElement> dts = d.findElements(By.cssSelector("#answers-panel dl.answers dt"));
        List<String> seen = new ArrayList<>();
        for (WebElement dt : dts) {
            String text = String.valueOf(dt.getAttribute("textContent"));
            seen.add(text);
            if (text.equals(label)) {
                return dt.findElement(By.xpath("following-sibling::dd[1]"));
            }
        }
        throw new AssertionError("no answer labelled " + label + " in " + seen);
    }

    private static long count(String sql) throws Exception {
        return Long.parseLong(text(sql));
    }

    private static String text(String sql) throws Exception {
        var o = haven.database().connectOptions();
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                PreparedStatement st = c.prepareStatement(sql);
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
