package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 19 in headless Chromium, on a 390 px phone and a 1280 px laptop: the case page as a
 * conversation (bubbles, the reply box right under the thread, Ctrl+Enter, answers under short
 * labels in a side panel folded on a phone, a toolbar that saves on change), a deleted case that
 * says so on its open page, the Team page's confirmations, and no horizontal scrolling. Screenshots
 * go to {@code target/screenshots/issue19-*}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CaseWorkBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final String COORDINATOR = "cora";
    private static final String CASE_LINK = "table.queue a[href^='/inbox/cases/']";

    /** A time as every inbox page shows it: in full, to the second, in UTC. */
    private static final String FULL_TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC";

    /** Notes in every page when inbox.js's live stream is open. */
    private static final String STREAM_PROBE =
            "(function () { var Real = window.EventSource; if (!Real) { return; }"
                    + " window.EventSource = function (url, options) { var es = new Real(url, options);"
                    + " es.addEventListener('open', function () { window.havenStreamOpen = true; }); return es; };"
                    + " window.EventSource.prototype = Real.prototype; })();";

    /**
     * Stands in for the browser's notifications: records each one's title, and grants permission
     * when asked (kept across page loads, as the browser would).
     */
    private static final String NOTIFICATION_RECORDER =
            "(function () { window.havenNotes = [];"
                    + " function Recorder(title) { window.havenNotes.push(String(title)); }"
                    + " Object.defineProperty(Recorder, 'permission', { get: function () {"
                    + " return localStorage.getItem('test.permission') || 'default'; } });"
                    + " Recorder.requestPermission = function () {"
                    + " localStorage.setItem('test.permission', 'granted');"
                    + " return Promise.resolve('granted'); };"
                    + " window.Notification = Recorder; })();";

    @TempDir static Path dataDir;
    private static Haven haven;
    private static TestHaven.Credentials cora;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
        cora = TestHaven.coordinator(haven, dataDir, COORDINATOR, PASS, "toronto");
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
     * Verifies that the case page is a conversation: the person's message, the coordinator's reply,
     * a private note and the bot's intake are bubbles of four different looks; the reply box comes
     * right after the thread and Ctrl+Enter sends it; the answers sit under short labels (never the
     * greeting), beside the thread on a laptop and folded on a phone; a label and a status change
     * save without leaving the page; nothing scrolls sideways; axe finds nothing.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testCasePageIsAConversationWithTheReplyUnderIt(int width, int height) throws Exception {
        String marker = "conv-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            probe(browser);
            WebDriver d = logIn(browser);
            String href = claim(browser, marker);

            // the person writes after the hand-off: it arrives live
            person.say("I can talk in the evenings " + marker);
            person.nextOfType("ack");
            browser.await(
                    "the person's message",
                    w ->
                            !w.findElements(By.cssSelector("#conversation li.entry.message_in"))
                                    .isEmpty());

            // the reply box is right under the thread, and Ctrl+Enter sends it
            assertEquals(
                    Boolean.TRUE,
                    browser.js(
                            "var n = document.getElementById('conversation').nextElementSibling;"
                                    + " return !!n && n.classList.contains('reply') && n.contains(document.getElementById('reply-text'));"));
            String reply = "We will call on Tuesday " + UUID.randomUUID();
            d.findElement(By.id("reply-text")).sendKeys(reply);
            d.findElement(By.id("reply-text")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
            browser.await("the reply sent", w -> w.getCurrentUrl().endsWith("m=case.reply.sent"));
            // the bot's own acknowledgement of the person's message may come first
            String received = person.nextOfType("reply").getString("text");
            if (!reply.equals(received)) {
                received = person.nextOfType("reply").getString("text");
            }
            assertEquals(reply, received);
            d.findElement(By.id("note-text")).sendKeys("Prefers a woman coordinator " + marker);
            d.findElement(By.id("save-note")).click();
            browser.await(
                    "the note",
                    w -> !w.findElements(By.cssSelector("#conversation li.entry.note")).isEmpty());

            // four kinds of bubbles, four looks
            Set<String> looks = new HashSet<>();
            for (String kind : List.of("bot", "message_in", "message_out", "note")) {
                WebElement e =
                        browser.await(
                                "a " + kind + " bubble",
                                w -> {
                                    List<WebElement> found =
                                            w.findElements(
                                                    By.cssSelector(
                                                            "#conversation li.entry." + kind));
                                    return found.isEmpty() ? null : found.get(0);
                                });
                looks.add(e.getCssValue("background-color") + " " + e.getCssValue("border-color"));
            }
            assertEquals(4, looks.size(), "bubbles look alike: " + looks);

            // the answers: short labels, in a side panel (folded on a phone)
            List<String> labels =
                    d.findElements(By.cssSelector("#answers-panel dl.answers dt")).stream()
                            .map(e -> String.valueOf(e.getAttribute("textContent")))
                            .toList();
            assertTrue(labels.contains("Safe to talk"), "labels: " + labels);
            assertFalse(
                    labels.stream().anyMatch(l -> l.startsWith("Hello, this is Haven")),
                    "the greeting names an answer: " + labels);
            WebElement panel = d.findElement(By.id("answers-panel"));
            boolean open = panel.getAttribute("open") != null;
            if (width < 600) {
                assertFalse(open, "the answers panel is open on a phone");
                browser.screenshot("issue19-case-" + width);
                panel.findElement(By.tagName("summary")).click();
                assertTrue(panel.findElement(By.cssSelector("dl.answers")).isDisplayed());
            } else {
                assertTrue(open, "the answers panel is folded on a laptop");
                assertTrue(
                        panel.getRect().getX()
                                >= d.findElement(By.id("conversation")).getRect().getX()
                                        + d.findElement(By.id("conversation")).getRect().getWidth(),
                        "the answers are not beside the conversation");
            }

            // the toolbar saves on change and the page stays
            browser.js("window.havenPage = 'same'");
            d.findElement(By.id("labels")).sendKeys("interpreter", Keys.TAB);
            browser.await(
                    "the labels saved",
                    w -> w.findElement(By.cssSelector("form[action$='/labels'][data-saved]")));
            new Select(d.findElement(By.id("status"))).selectByValue("waiting");
            browser.await(
                    "the status saved",
                    w ->
                            w.findElement(By.id("case-status"))
                                    .getText()
                                    .startsWith(
                                            new Select(w.findElement(By.id("status")))
                                                    .getFirstSelectedOption()
                                                    .getText()));
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            assertEquals(href, d.getCurrentUrl().split("\\?")[0]);
            InboxClient api = TestHaven.loggedIn(haven.port(), dataDir, COORDINATOR);
            String page = api.get(href.substring(base.length())).body();
            assertTrue(page.contains("value=\"interpreter\""), "label not saved");
            assertTrue(page.contains("<option value=\"waiting\" selected>"), "status not saved");

            browser.assertNoSideScroll("the case page");
            browser.assertNoAxeViolations("/inbox/cases/<id> at " + width);
            browser.screenshot("issue19-case-" + width + (width < 600 ? "-answers" : ""));
            d.get(base + "/inbox?queue=mine");
            browser.await(
                    "the Mine list", w -> !w.findElements(By.cssSelector(CASE_LINK)).isEmpty());
            browser.assertNoSideScroll("the queue");
            browser.screenshot("issue19-queue-" + width);
        }
    }

    /**
     * Verifies that a case deleted while its page is open (the person wrote DELETE) says so on the
     * page without a reload, and its work forms go away.
     */
    @Test
    void testDeletedCaseSaysSoOnItsOpenPage() throws Exception {
        String marker = "gone-" + UUID.randomUUID();
        try (Browser browser = Browser.start(1280, 800);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            probe(browser);
            WebDriver d = logIn(browser);
            claim(browser, marker);
            browser.await(
                    "the live stream",
                    w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
            browser.js("window.havenPage = 'same'");
            person.say("DELETE");
            WebElement gone =
                    browser.await("the case gone", w -> w.findElement(By.id("case-gone")));
            assertTrue(gone.getText().contains("deleted"), gone.getText());
            assertTrue(d.findElements(By.id("reply-text")).isEmpty(), "the reply box stayed");
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            browser.screenshot("issue19-case-gone");
        }
    }

    /**
     * Verifies that a case an administrator gives to someone else while its holder has it open says
     * so on the holder's page without a reload, and its work forms go away (the thread stays).
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testReassignedCaseSaysSoOnItsHoldersOpenPage(int width, int height) throws Exception {
        String marker = "taken-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            probe(browser);
            WebDriver d = logIn(browser);
            String href = claim(browser, marker);
            browser.await(
                    "the live stream",
                    w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
            browser.js("window.havenPage = 'same'");
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = href.substring(base.length());
            String page = admin.get(path).body();
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile(
                                    "<option value=\"(\\d+)\"[^>]*>"
                                            + TestHaven.ADMIN
                                            + "</option>")
                            .matcher(page);
            assertTrue(m.find(), "no administrator to assign to");
            assertEquals(
                    302,
                    admin.postWithCsrf(page, path + "/reassign", "account", m.group(1))
                            .statusCode());
            WebElement taken =
                    browser.await("the case taken", w -> w.findElement(By.id("case-taken")));
            assertTrue(taken.getText().contains("someone else"), taken.getText());
            assertTrue(d.findElements(By.id("reply-text")).isEmpty(), "the reply box stayed");
            assertFalse(d.findElements(By.id("conversation")).isEmpty(), "the thread went too");
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            browser.assertNoAxeViolations("a case taken away at " + width);
            browser.screenshot("issue19-case-taken-" + width);
        }
    }

    /**
     * Verifies that an administrator gives a new case to a coordinator from the case page's
     * toolbar, on a phone and a laptop: choosing the coordinator saves it without a button and
     * without leaving the page, the header says the new assignee at once, and after a reload the
     * case is that coordinator's (header, toolbar, their Mine list); the audit log records the
     * assignment, by whom and to whom; the page's and the audit log's times are in full, to the
     * second; axe finds nothing.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testAdministratorAssignsFromTheToolbar(int width, int height) throws Exception {
        String marker = "assign-" + width + "-" + UUID.randomUUID();
        IntakeDriver.completeIntake(haven.port(), marker);
        try (Browser browser = Browser.start(width, height)) {
            WebDriver d =
                    InboxPage.logInAsAdmin(
                            browser, base, haven.teamKeys().setupCodeFile().getParent());
            d.get(base + "/inbox?queue=new&q=" + marker);
            String href =
                    browser.await(
                                    "the case on the New list",
                                    w -> w.findElement(By.cssSelector(CASE_LINK)))
                            .getAttribute("href");
            d.get(href);
            Select assignee =
                    new Select(browser.await("the toolbar", w -> w.findElement(By.id("assignee"))));
            assertEquals("—", assignee.getFirstSelectedOption().getText(), "assigned already");
            String coraId = null;
            for (WebElement option : assignee.getOptions()) {
                if (COORDINATOR.equals(option.getText())) {
                    coraId = option.getAttribute("value");
                }
            }
            assertTrue(coraId != null && !coraId.isEmpty(), "the coordinator is not offered");

            browser.js("window.havenPage = 'same'");
            assignee.selectByVisibleText(COORDINATOR);
            browser.await(
                    "the assignment saved",
                    w -> w.findElement(By.cssSelector("form[action$='/reassign'][data-saved]")));
            browser.await(
                    "the header says the assignee",
                    w -> COORDINATOR.equals(w.findElement(By.id("case-assignee")).getText()));
            // before: the header said "New" until a reload
            browser.await(
                    "the header says the case is claimed",
                    w ->
                            w.findElement(By.id("case-status"))
                                    .getText()
                                    .contains(Text.t("en", "status.claimed")));
            assertEquals(
                    "claimed",
                    new Select(d.findElement(By.id("status")))
                            .getFirstSelectedOption()
                            .getAttribute("value"));
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            assertEquals(href, d.getCurrentUrl().split("\\?")[0]);

            d.navigate().refresh();
            assertEquals(COORDINATOR, d.findElement(By.id("case-assignee")).getText());
            assertEquals(
                    COORDINATOR,
                    new Select(d.findElement(By.id("assignee")))
                            .getFirstSelectedOption()
                            .getText());
            assertTrue(
                    d.findElement(By.id("case-status"))
                            .getText()
                            .contains(Text.t("en", "status.claimed")),
                    d.findElement(By.id("case-status")).getText());
            for (WebElement time : d.findElements(By.cssSelector("#conversation time"))) {
                String shown = time.getAttribute("textContent");
                assertTrue(
                        shown.matches(FULL_TIME), "a time on the case page not in full: " + shown);
            }
            browser.assertNoAxeViolations("/inbox/cases/<id> as an administrator at " + width);
            browser.screenshot("issue19-case-assigned-" + width);
            InboxClient coordinator = TestHaven.loggedIn(haven.port(), dataDir, COORDINATOR);
            assertTrue(
                    coordinator
                            .get("/inbox?queue=mine&q=" + marker)
                            .body()
                            .contains(href.substring(base.length())),
                    "not on the coordinator's Mine list");

            String caseId = href.substring(href.lastIndexOf('/') + 1);
            d.get(base + "/inbox/audit?case=" + caseId);
            String expected = "reassign:" + coraId;
            List<List<WebElement>> rows =
                    d.findElements(By.cssSelector("main table tbody tr")).stream()
                            .map(r -> r.findElements(By.tagName("td")))
                            .filter(c -> c.size() == 5 && expected.equals(c.get(3).getText()))
                            .toList();
            assertEquals(1, rows.size(), "the audit log's assignments: " + rows.size());
            List<WebElement> cells = rows.get(0);
            assertEquals(TestHaven.ADMIN, cells.get(2).getText(), "who assigned");
            assertEquals(expected, cells.get(3).getText());
            String when = cells.get(1).getAttribute("textContent");
            assertTrue(when.matches(FULL_TIME), "an audit time not in full: " + when);
        }
    }

    /**
     * Verifies that rotating the team key, removing an account and ending its sessions each ask
     * first, saying what will happen, and do nothing when declined; and that the Team page has no
     * axe violation, the label-in-name rule included (the "End sessions" buttons).
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testTeamPageAsksBeforeDestructiveActions(int width, int height) throws Exception {
        try (Browser browser = Browser.start(width, height)) {
            WebDriver d = browser.driver();
            d.get(base + "/inbox/login");
            TestHaven.Credentials admin =
                    TestHaven.credentials(
                            haven.teamKeys().setupCodeFile().getParent(), TestHaven.ADMIN);
            submitLogin(d, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, admin.nextCode());
            browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
            d.get(base + "/inbox/team");
            String before = d.getPageSource();
            for (String[] action :
                    new String[][] {
                        {"rotate-key", "logged out"},
                        {"remove-" + COORDINATOR, "Remove " + COORDINATOR + "?"},
                        {"end-sessions-" + COORDINATOR, "logged out on all their devices"}
                    }) {
                d.findElement(By.id(action[0])).click();
                Alert alert = browser.await("the confirmation", w -> w.switchTo().alert());
                String text = alert.getText();
                assertTrue(text.contains(action[1]), action[0] + " asked: " + text);
                alert.dismiss();
                assertEquals(base + "/inbox/team", d.getCurrentUrl(), action[0] + " went ahead");
            }
            assertNotEquals(null, before);
            assertTrue(
                    d.findElements(By.cssSelector("[role=status]")).stream()
                            .noneMatch(e -> e.getText().contains("rotated")),
                    "rotated although declined");
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/team at " + width);
            browser.screenshot("issue19-team-" + width);
            d.get(base + "/inbox/team/intake");
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/team/intake at " + width);

            // the Team and Intake pages in French, with their confirmations
            d.get(base + "/inbox/settings");
            d.findElement(By.id("settings-lang-fr")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "French", w -> w.findElement(By.tagName("h1")).getText().equals("Paramètres"));
            d.get(base + "/inbox/team");
            assertEquals("Équipe", d.findElement(By.tagName("h1")).getText());
            String team = d.findElement(By.tagName("main")).getText();
            for (String english :
                    List.of("Rotate the team key", "Add an account", "End sessions", "Retention")) {
                assertFalse(
                        team.contains(english), "English left on the French Team page: " + english);
            }
            d.findElement(By.id("rotate-key")).click();
            Alert alert = browser.await("la confirmation", w -> w.switchTo().alert());
            assertTrue(alert.getText().contains("déconnectées"), alert.getText());
            alert.dismiss();
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/team (fr) at " + width);
            browser.screenshot("issue19-team-fr-" + width);
            d.get(base + "/inbox/team/intake");
            assertEquals(
                    "Script d'accueil et répertoire d'orientation",
                    d.findElement(By.tagName("h1")).getText());
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/team/intake (fr) at " + width);
            d.get(base + "/inbox/settings");
            d.findElement(By.id("settings-lang-en")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "English", w -> w.findElement(By.tagName("h1")).getText().equals("Settings"));
        }
    }

    /**
     * Verifies the queue and the keyboard on a phone and a laptop: the page title counts the new
     * cases of the person's groups; j moves to a case and Enter opens it; c claims; r goes to the
     * reply box; ? lists the shortcuts; a case the person wrote to since the last reply is marked
     * on the list; and the Settings page (language, passphrase) has no axe violation in either
     * language.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testQueueTitleKeyboardMarksAndSettings(int width, int height) throws Exception {
        String marker = "keys-" + width + "-" + UUID.randomUUID();
        try (Browser browser = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            WebDriver d = logIn(browser);
            d.get(base + "/inbox?queue=new&q=" + marker);
            browser.await("the case", w -> w.findElement(By.cssSelector(CASE_LINK)));
            assertTrue(
                    d.getTitle().matches("\\(\\d+\\) New — Haven"),
                    "no count of new cases in the title: " + d.getTitle());

            // ? lists the shortcuts
            d.findElement(By.tagName("body")).sendKeys("?");
            WebElement help =
                    browser.await("the shortcuts", w -> w.findElement(By.id("shortcuts")));
            assertTrue(help.isDisplayed());
            browser.assertNoAxeViolationsAlsoExperimental("the shortcuts at " + width);
            browser.screenshot("issue19-shortcuts-" + width);
            d.findElement(By.id("shortcuts-close")).click();
            browser.await("the shortcuts closed", w -> !help.isDisplayed());

            // j, Enter, c, r
            d.findElement(By.tagName("body")).sendKeys("j");
            WebElement focused = d.switchTo().activeElement();
            assertTrue(
                    String.valueOf(focused.getAttribute("href")).contains("/inbox/cases/"),
                    "j did not move to a case");
            String href = focused.getAttribute("href");
            focused.sendKeys(Keys.ENTER);
            browser.await("the case page", w -> w.getCurrentUrl().equals(href));
            browser.await("the claim button", w -> w.findElement(By.id("claim")));
            d.findElement(By.tagName("body")).sendKeys("c");
            browser.await("the claim", w -> w.getCurrentUrl().endsWith("m=case.claimed"));
            d.findElement(By.tagName("body")).sendKeys("r");
            assertEquals("reply-text", d.switchTo().activeElement().getAttribute("id"));

            // a reply, then the person writes: the Mine list marks the case
            d.switchTo().activeElement().sendKeys("Hello " + marker);
            d.findElement(By.id("send-reply")).click();
            browser.await("the reply", w -> w.getCurrentUrl().endsWith("m=case.reply.sent"));
            person.say("thank you " + marker);
            person.nextOfType("ack");
            d.get(base + "/inbox?queue=mine&q=" + marker);
            browser.await(
                    "the waiting-for-reply mark",
                    w -> {
                        w.navigate().refresh();
                        return w.findElement(By.cssSelector("#queue span.mark.awaiting"));
                    });
            browser.assertNoSideScroll("the Mine list");
            browser.assertNoAxeViolationsAlsoExperimental("/inbox?queue=mine at " + width);
            browser.screenshot("issue19-queue-marked-" + width);

            // Settings, in English then French
            d.findElement(By.id("settings-link")).click();
            browser.await("settings", w -> w.getCurrentUrl().equals(base + "/inbox/settings"));
            assertTrue(d.findElement(By.id("change-passphrase")).isDisplayed());
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/settings at " + width);
            browser.screenshot("issue19-settings-" + width);
            d.findElement(By.id("settings-lang-fr")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "the settings in French",
                    w -> w.findElement(By.tagName("h1")).getText().equals("Paramètres"));
            browser.assertNoAxeViolationsAlsoExperimental("/inbox/settings (fr) at " + width);
            browser.screenshot("issue19-settings-fr-" + width);
            d.findElement(By.id("settings-lang-en")).click();
            d.findElement(By.id("save-language")).click();
            browser.await(
                    "the settings in English",
                    w -> w.findElement(By.tagName("h1")).getText().equals("Settings"));
        }
    }

    /**
     * Verifies the queue's keys on a phone and a laptop: j twice then k comes back up to the first
     * case (its row marked as the current one), and c there claims that case without opening it
     * first: the browser lands on its page, claimed.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testKMovesUpTheQueueAndCClaimsTheChosenRow(int width, int height) throws Exception {
        String marker = "rows-" + width + "-" + UUID.randomUUID();
        IntakeDriver.completeIntake(haven.port(), marker);
        IntakeDriver.completeIntake(haven.port(), marker);
        try (Browser browser = Browser.start(width, height)) {
            WebDriver d = logIn(browser);
            d.get(base + "/inbox?queue=new&q=" + marker);
            List<WebElement> links =
                    browser.await(
                            "two cases",
                            w -> {
                                List<WebElement> found = w.findElements(By.cssSelector(CASE_LINK));
                                return found.size() == 2 ? found : null;
                            });
            String first = links.get(0).getAttribute("href");
            String second = links.get(1).getAttribute("href");
            WebElement body = d.findElement(By.tagName("body"));
            body.sendKeys("j");
            body.sendKeys("j");
            assertEquals(second, d.switchTo().activeElement().getAttribute("href"), "j, j");
            body.sendKeys("k");
            assertEquals(first, d.switchTo().activeElement().getAttribute("href"), "k");
            assertEquals(
                    first,
                    d.findElement(By.cssSelector("tr.current " + CASE_LINK.substring(12)))
                            .getAttribute("href"),
                    "the chosen row is not marked");
            body.sendKeys("c");
            browser.await(
                    "the claimed case", w -> w.getCurrentUrl().equals(first + "?m=case.claimed"));
            assertTrue(
                    d.findElement(By.id("case-status"))
                            .getText()
                            .contains(Text.t("en", "status.claimed")),
                    d.findElement(By.id("case-status")).getText());
        }
    }

    /**
     * Verifies the keyboard-only path the issue note counts, on a laptop: from the queue, j and c
     * claim the first new case and open it; r goes to the reply box and Ctrl+Enter sends; from the
     * top of the page at most 9 Tabs reach the status, and End there closes the case, which leads
     * back to the list.
     */
    @Test
    void testKeyboardOnlyClaimReplyAndClose() throws Exception {
        String marker = "keyboard-" + UUID.randomUUID();
        IntakeDriver.completeIntake(haven.port(), marker);
        try (Browser browser = Browser.start(1280, 800)) {
            WebDriver d = logIn(browser);
            d.get(base + "/inbox?queue=new&q=" + marker);
            browser.await("the case", w -> w.findElement(By.cssSelector(CASE_LINK)));
            WebElement body = d.findElement(By.tagName("body"));
            body.sendKeys("j");
            body.sendKeys("c");
            browser.await("the claim", w -> w.getCurrentUrl().endsWith("?m=case.claimed"));
            String casePage = d.getCurrentUrl().replace("?m=case.claimed", "");
            d.findElement(By.tagName("body")).sendKeys("r");
            WebElement reply = d.switchTo().activeElement();
            assertEquals("reply-text", reply.getAttribute("id"));
            reply.sendKeys("Hello " + marker);
            reply.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
            browser.await("the reply", w -> w.getCurrentUrl().endsWith("m=case.reply.sent"));
            int tabs = 0;
            while (!"status".equals(d.switchTo().activeElement().getAttribute("id")) && tabs < 40) {
                new org.openqa.selenium.interactions.Actions(d).sendKeys(Keys.TAB).perform();
                tabs++;
            }
            assertTrue(tabs <= 9, "Tabs from the top of the page to the status: " + tabs);
            // End picks the last status, Closed, which saves at once
            d.switchTo().activeElement().sendKeys(Keys.END);
            browser.await(
                    "the list after closing",
                    w -> w.getCurrentUrl().equals(base + "/inbox?m=status.closed"));
            d.get(casePage);
            assertTrue(
                    d.findElement(By.id("case-status"))
                            .getText()
                            .contains(Text.t("en", "status.closed")),
                    d.findElement(By.id("case-status")).getText());
        }
    }

    /**
     * Verifies the optional browser notification for new urgent cases, on a phone and a laptop:
     * nothing before the coordinator turns it on (even when an urgent case arrives), then, once
     * turned on, one notification with the page's generic words (no personal data) when an urgent
     * case arrives live, and none for a case that is not urgent. Headless Chromium has no
     * notification service: the page's {@code Notification} is replaced, before the page loads, by
     * a recorder that grants permission when asked.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testUrgentCaseNotifiesOnlyOnceTurnedOn(int width, int height) throws Exception {
        try (Browser browser = Browser.start(width, height)) {
            ((ChromeDriver) browser.driver())
                    .executeCdpCommand(
                            "Page.addScriptToEvaluateOnNewDocument",
                            Map.of("source", NOTIFICATION_RECORDER));
            WebDriver d = logIn(browser);
            d.get(base + "/inbox?queue=new");
            browser.await("the queue", w -> w.findElement(By.id("queue")));
            String before = d.findElement(By.id("queue")).getAttribute("data-urgent");

            urgentCase();
            browser.await(
                    "the urgent case, live",
                    w -> !before.equals(w.findElement(By.id("queue")).getAttribute("data-urgent")));
            assertEquals(0L, browser.js("return window.havenNotes.length"), "notified unasked");

            WebElement turnOn = d.findElement(By.id("notify-urgent"));
            assertTrue(turnOn.isDisplayed(), "no way to turn notifications on");
            turnOn.click();
            browser.await(
                    "turned on",
                    w -> "1".equals(browser.js("return localStorage.getItem('haven.notify')")));
            String urgentBefore = d.findElement(By.id("queue")).getAttribute("data-urgent");

            urgentCase();
            browser.await(
                    "a notification",
                    w -> ((Number) browser.js("return window.havenNotes.length")).intValue() > 0);
            assertEquals(
                    "New urgent case in your groups",
                    browser.js("return window.havenNotes[0]"),
                    "the notification says more than that a case came");
            browser.await(
                    "the urgent case listed",
                    w ->
                            !urgentBefore.equals(
                                    w.findElement(By.id("queue")).getAttribute("data-urgent")));

            // on the same page (a new page would start a new recorder)
            String newBefore = d.findElement(By.id("queue")).getAttribute("data-new");
            IntakeDriver.completeIntake(haven.port(), "calm-" + UUID.randomUUID());
            browser.await(
                    "the calm case, live",
                    w -> !newBefore.equals(w.findElement(By.id("queue")).getAttribute("data-new")));
            assertEquals(
                    1L,
                    browser.js("return window.havenNotes.length"),
                    "a case that is not urgent notified too");
        }
    }

    /** A person in danger now: an urgent case at once. */
    private static void urgentCase() throws Exception {
        try (ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, List.of("yes", "en", "survivor", "yes"));
        }
    }

    private static void probe(Browser browser) {
        ((ChromeDriver) browser.driver())
                .executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", STREAM_PROBE));
    }

    private static WebDriver logIn(Browser browser) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        submitLogin(d, COORDINATOR, TestHaven.chosen(PASS), cora.nextCode());
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }

    private static void submitLogin(WebDriver d, String username, String passphrase, String code) {
        d.findElement(By.id("username")).sendKeys(username);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.id("code")).sendKeys(code);
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
    }

    /** Opens the case of {@code marker} from the New list and claims it; returns its address. */
    private static String claim(Browser browser, String marker) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox?queue=new&q=" + marker);
        WebElement link =
                browser.await(
                        "the case on the New list", w -> w.findElement(By.cssSelector(CASE_LINK)));
        String href = link.getAttribute("href");
        d.get(href);
        browser.await("the claim button", w -> w.findElement(By.id("claim"))).click();
        browser.await(
                "the claimed case",
                w ->
                        w.getCurrentUrl().equals(href + "?m=case.claimed")
                                && !w.findElements(By.id("reply-text")).isEmpty());
        return href;
    }
}
