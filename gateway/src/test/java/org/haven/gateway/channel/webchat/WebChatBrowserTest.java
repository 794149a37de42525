package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The survivor's web chat page in a real (headless) browser against a real Haven, on a phone-sized
 * screen.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatBrowserTest {
    private static final String EXIT_URL = "https://exit.invalid/";
    private static final int WIDTH = 360;
    private static final int HEIGHT = 740;

    @TempDir static Path dataDir;
    private static Browser browser;
    private static Haven haven;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return; // each test is skipped, with the reason, before it starts
        }
        browser = Browser.start(WIDTH, HEIGHT);
        haven = TestHaven.start(dataDir, Map.of("HAVEN_QUICK_EXIT_URL", EXIT_URL));
        TestHaven.setUpAdmin(haven);
        base = "http://127.0.0.1:" + haven.port();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (haven != null) {
                haven.close();
            }
        }
    }

    /**
     * Each test starts a new conversation: same tab, so the resume token in sessionStorage is
     * cleared first.
     */
    @BeforeEach
    void openChat() {
        Browser.assumeAvailable();
        WebDriver d = browser.driver();
        d.get(base + "/health");
        browser.js("sessionStorage.clear()");
        d.get(base + "/chat");
        awaitBotMessages(1);
    }

    /** Verifies that the first Tab from the top of the page lands on the quick-exit button. */
    @Test
    void testQuickExitIsFirstFocusable() {
        browser.js("document.activeElement.blur(); window.scrollTo(0, 0)");
        new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        assertEquals("exit", browser.js("return document.activeElement.id"));
    }

    /**
     * Verifies that a whole intake answered on the real page, by clicking option buttons and typing
     * free text, becomes a queued case that the inbox shows with the typed answers.
     */
    @Test
    void testWholeIntakeThroughPageReachesInbox() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        browser.screenshot("chat-start");
        // what happened: two answers, pressed and sent together with Done
        List<String> answers =
                IntakeDriver.survivorAnswers(marker).stream()
                        .map(a -> a.equals("torture") ? "torture,war_crimes" : a)
                        .toList();
        for (int i = 0; i < answers.size(); i++) {
            answer(answers.get(i));
            if (i == 4) {
                browser.await("the \"what happened?\" choices", d -> optionButtons().size() > 5);
                browser.screenshot("chat-mid-intake-options");
            }
        }
        browser.screenshot("chat-end");
        assertTrue(
                browser.driver().findElements(By.cssSelector(".msg.fail")).isEmpty(),
                "a message was not sent");

        InboxClient inbox = TestHaven.loggedIn(haven);
        String queue = inbox.get("/inbox").body();
        IntakeDriver.onlyCaseReference(queue);
        String link = queue.replaceAll("(?s).*href=\"(/inbox/cases/[0-9a-f-]+)\".*", "$1");
        String casePage = inbox.get(link).body();
        assertTrue(casePage.contains(marker), "typed answer not in the case");
        assertTrue(casePage.contains("+1 416 555 0199"), "typed number not in the case");
        assertTrue(
                casePage.contains("Torture") && casePage.contains("War crimes"),
                "not both answers of what happened");

        // a coordinator answers: the page shows it apart from the bot's messages, headed as a
        // coordinator's
        int bots = botMessages();
        String reply = "This is Ada, a coordinator. Tuesday at 10? " + UUID.randomUUID();
        assertEquals(302, inbox.postWithCsrf(casePage, link + "/claim").statusCode());
        assertTrue(
                inbox.postWithCsrf(
                                inbox.get(link).body(),
                                link + "/reply",
                                "text",
                                reply,
                                "canned",
                                "")
                        .headers()
                        .firstValue("Location")
                        .orElse("")
                        .endsWith("m=case.reply.sent"),
                "reply refused");
        WebElement shown =
                browser.await(
                        "the coordinator's reply",
                        d ->
                                d.findElements(By.cssSelector(".msg.coordinator")).stream()
                                        .findFirst()
                                        .orElse(null));
        assertTrue(
                shown.getText().startsWith("Coordinator\n")
                        || shown.getText().startsWith("Coordinator "),
                shown.getText());
        assertTrue(shown.getText().contains(reply), shown.getText());
        assertEquals(bots, botMessages(), "the reply was also shown as the bot's");
        assertTrue(
                !shown.getCssValue("background-color")
                        .equals(
                                browser.driver()
                                        .findElement(By.cssSelector(".msg.bot"))
                                        .getCssValue("background-color")),
                "a coordinator's reply looks like the bot's");
        browser.screenshot("chat-coordinator-reply");
        browser.assertNoAxeViolations("/chat with a coordinator's reply");

        // a reload shows the conversation since the hand-off again, the coordinator's reply
        // included
        String later = "One more thing " + UUID.randomUUID();
        answer(later);
        browser.driver().navigate().refresh();
        WebElement again =
                browser.await(
                        "the coordinator's reply after a reload",
                        d ->
                                d.findElements(By.cssSelector(".msg.coordinator")).stream()
                                        .findFirst()
                                        .orElse(null));
        assertTrue(
                again.getText().startsWith("Coordinator") && again.getText().contains(reply),
                again.getText());
        List<String> mine =
                browser.driver().findElements(By.cssSelector(".msg.me")).stream()
                        .map(WebElement::getText)
                        .toList();
        assertTrue(
                mine.stream().anyMatch(t -> t.contains(later)),
                "the person's own message after the hand-off: " + mine);
        assertTrue(
                mine.stream().noneMatch(t -> t.contains(marker)),
                "the intake answers came back: " + mine);
        browser.screenshot("chat-after-reload");
    }

    /**
     * Verifies that pressing "Talk to a person" on the page before the intake is done tells the
     * person a person will contact them, and makes a case that the inbox shows first, marked as
     * asked for a person, with no working group yet (every coordinator's), not triaged out of the
     * mandate.
     */
    @Test
    void testTalkToAPersonButtonEarlyMakesAMarkedUrgentCase() throws Exception {
        for (String input : List.of("yes", "en", "survivor", "no", "yes")) {
            answer(input);
        }
        WebElement human =
                optionButtons().stream()
                        .filter(b -> "HUMAN".equals(b.getAttribute("value")))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no \"Talk to a person\" button under the question"));
        assertEquals("Talk to a person", human.getText().strip());
        answer("HUMAN");
        List<String> bots =
                browser.driver().findElements(By.cssSelector(".msg.bot")).stream()
                        .map(WebElement::getText)
                        .toList();
        List<String> last = bots.subList(Math.max(0, bots.size() - 3), bots.size());
        assertTrue(
                last.stream().anyMatch(t -> t.contains("We will ask a person to contact you")),
                last.toString());
        assertTrue(
                last.get(last.size() - 1).contains("write these 5 words"),
                "no resume phrase at the hand-off: " + last);
        browser.screenshot("chat-talk-to-a-person");

        InboxClient inbox = TestHaven.loggedIn(haven);
        String queue = inbox.get("/inbox?queue=new").body();
        String row =
                Arrays.stream(queue.split("<tr"))
                        .filter(r -> r.contains("Asked for a person"))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no case marked as asked for a person: " + queue));
        assertTrue(row.startsWith(" class=\"urgent\""), "not urgent: " + row);
        assertTrue(
                row.contains("Any group (place not given yet)")
                        && row.contains("Not triaged: asked for a person first"),
                row);
        assertFalse(row.contains("Outside the mandate"), row);
        String link = row.replaceAll("(?s).*href=\"(/inbox/cases/[0-9a-f-]+)\".*", "$1");
        // out of New, so that the other tests here find only their own case there
        assertEquals(302, inbox.postWithCsrf(inbox.get(link).body(), link + "/claim").statusCode());
    }

    /**
     * Verifies that the quick-exit button clears sessionStorage and replaces the chat with the
     * configured neutral site, so that Back does not return to the chat.
     */
    @Test
    void testQuickExitClearsStorageAndLeavesWithoutHistory() {
        answer("yes");
        assertNotNull(
                browser.js("return sessionStorage.getItem('haven.resume')"),
                "no resume token stored");
        browser.driver().findElement(By.id("exit")).click();
        browser.await("navigation to the exit URL", d -> d.getCurrentUrl().startsWith(EXIT_URL));

        browser.driver().navigate().back();
        browser.await(
                "back to the page before the chat",
                d -> d.getCurrentUrl().startsWith(base + "/health"));
        assertEquals(0L, browser.js("return sessionStorage.length"), "sessionStorage not cleared");
    }

    /** Verifies that Esc pressed twice is a quick exit too. */
    @Test
    void testEscapeTwiceIsQuickExit() {
        new Actions(browser.driver())
                .sendKeys(Keys.ESCAPE)
                .pause(100)
                .sendKeys(Keys.ESCAPE)
                .perform();
        browser.await("navigation to the exit URL", d -> d.getCurrentUrl().startsWith(EXIT_URL));
    }

    /** Verifies that the chat page sets no cookies, before or during a conversation. */
    @Test
    void testChatSetsNoCookies() {
        assertTrue(browser.driver().manage().getCookies().isEmpty(), "cookies on load");
        answer("yes");
        assertTrue(
                browser.driver().manage().getCookies().isEmpty(), "cookies during a conversation");
    }

    /**
     * Verifies that axe finds no WCAG 2 A/AA violations on the chat with a conversation and choices
     * shown.
     */
    @Test
    void testChatHasNoAxeViolations() {
        answer("yes");
        browser.await("the language choices", d -> !optionButtons().isEmpty());
        browser.assertNoAxeViolations("/chat");
    }

    /**
     * Verifies that the axe check itself works on this page despite its CSP: an unlabelled field
     * fails it.
     */
    @Test
    void testAxeCheckCatchesUnlabelledField() {
        browser.js("document.querySelector('main').appendChild(document.createElement('input'))");
        String ids =
                browser.axeViolations().stream()
                        .map(v -> ((JsonObject) v).getString("id"))
                        .toList()
                        .toString();
        assertTrue(ids.contains("label"), "axe missed an unlabelled input: " + ids);
    }

    /**
     * Verifies that choosing Arabic gives right-to-left replies, and that axe still finds nothing.
     */
    @Test
    void testArabicRepliesAreRightToLeft() throws Exception {
        answer("yes");
        answer("ar");
        WebElement rtl =
                browser.await(
                        "a right-to-left reply",
                        d ->
                                d.findElements(By.cssSelector(".msg.bot[dir=rtl]")).stream()
                                        .findFirst()
                                        .orElse(null));
        assertEquals("ar", rtl.getAttribute("lang"));
        browser.screenshot("chat-rtl-arabic");
        browser.assertNoAxeViolations("/chat in Arabic");
    }

    /**
     * Verifies that a multiple-choice question says to tap all that apply, then Done (not "like
     * 1,3": the buttons have no numbers); that its answers are toggle buttons, which send nothing
     * when pressed; that Done is disabled until one is pressed and then sends the pressed ones
     * together, as one message that answers the question; and that the controls still answer at one
     * tap. axe finds nothing with answers pressed.
     */
    @Test
    void testSeveralAnswersAreToggledThenSentTogetherWithDone() throws Exception {
        for (String input : List.of("yes", "en", "survivor", "no", "yes")) {
            answer(input);
        }
        List<WebElement> bots = browser.driver().findElements(By.cssSelector(".msg.bot"));
        String question = bots.get(bots.size() - 1).getText();
        assertTrue(question.contains("What happened? Tap all that apply, then Done."), question);
        assertFalse(question.contains("1,3"), question);
        WebElement done = browser.driver().findElement(By.cssSelector(".opts button.done"));
        assertEquals("Done", done.getText().strip());
        assertFalse(done.isEnabled(), "Done before anything is chosen");
        assertEquals("false", button("torture").getAttribute("aria-pressed"));
        assertNull(button("HUMAN").getAttribute("aria-pressed"), "a control became a toggle");

        int mine = myMessages();
        button("torture").click();
        button("war_crimes").click();
        button("genocide").click();
        button("torture").click(); // changed their mind
        assertEquals("true", button("genocide").getAttribute("aria-pressed"));
        assertEquals("false", button("torture").getAttribute("aria-pressed"));
        assertEquals(mine, myMessages(), "a toggle sent a message");
        assertTrue(done.isEnabled(), "Done with answers pressed");
        browser.screenshot("chat-several-pressed");
        browser.assertNoAxeViolations("/chat with a multiple-choice question, answers pressed");

        int before = botMessages();
        done.click();
        awaitAcknowledged("Done");
        awaitBotMessages(before + 1);
        List<WebElement> sent = browser.driver().findElements(By.cssSelector(".msg.me"));
        String shown = sent.get(sent.size() - 1).getText();
        assertTrue(shown.contains("Genocide, War crimes"), shown);
        assertEquals(mine + 1, myMessages(), "Done sent more than one message");
        bots = browser.driver().findElements(By.cssSelector(".msg.bot"));
        assertTrue(
                bots.get(bots.size() - 1).getText().contains("In which country"),
                bots.get(bots.size() - 1).getText());
    }

    private WebElement button(String value) {
        return optionButtons().stream()
                .filter(b -> value.equals(b.getAttribute("value")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no option " + value));
    }

    private int myMessages() {
        return browser.driver().findElements(By.cssSelector(".msg.me")).size();
    }

    private void awaitAcknowledged(String what) {
        browser.await(
                "the acknowledgement of \"" + what + "\"",
                d ->
                        d.findElements(By.cssSelector(".msg.me")).stream()
                                .reduce((a, b) -> b)
                                .map(last -> last.getText().contains("Sent"))
                                .orElse(false));
    }

    /**
     * Answers like a person would: clicks the choice whose value or label is {@code input} (for
     * answers that toggle, each of the comma-separated values, then Done), else types it and
     * presses Enter; then waits for the message to be acknowledged and answered.
     */
    private void answer(String input) {
        int before = botMessages();
        WebElement choice =
                optionButtons().stream()
                        .filter(
                                b ->
                                        input.equals(b.getAttribute("value"))
                                                || input.toLowerCase(Locale.ROOT)
                                                        .equals(
                                                                b.getText()
                                                                        .strip()
                                                                        .toLowerCase(Locale.ROOT)))
                        .findFirst()
                        .orElse(null);
        List<String> toggles =
                browser.driver().findElements(By.cssSelector(".opts [aria-pressed]")).stream()
                        .map(b -> b.getAttribute("value"))
                        .toList();
        if (choice != null && choice.getAttribute("aria-pressed") == null) {
            choice.click();
        } else if (!toggles.isEmpty() && toggles.containsAll(List.of(input.split(",")))) {
            for (String value : input.split(",")) {
                button(value).click();
            }
            browser.driver().findElement(By.cssSelector(".opts button.done")).click();
        } else {
            WebElement text = browser.driver().findElement(By.id("text"));
            text.sendKeys(input);
            text.sendKeys(Keys.ENTER);
        }
        awaitAcknowledged(input);
        awaitBotMessages(before + 1);
    }

    private void awaitBotMessages(int atLeast) {
        browser.await(atLeast + " bot messages", d -> botMessages() >= atLeast);
        // a reply may come in several frames (a note, then the question): let them all arrive
        int seen;
        do {
            seen = botMessages();
            sleep(200);
        } while (botMessages() != seen);
    }

    private int botMessages() {
        return browser.driver().findElements(By.cssSelector(".msg.bot")).size();
    }

    private List<WebElement> optionButtons() {
        return browser.driver().findElements(By.cssSelector(".opts button"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
