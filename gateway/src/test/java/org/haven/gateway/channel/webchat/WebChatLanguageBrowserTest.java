package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web chat page in the browser's language: its own words, {@code <html lang dir>} and the first
 * question, in a headless Chromium whose languages are set as a person's phone would have them, on
 * a phone-sized screen.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatLanguageBrowserTest {
    private static final int WIDTH = 360;
    private static final int HEIGHT = 740;

    @TempDir static Path dataDir;
    private static Haven haven;
    private static String base;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return; // each test is skipped, with the reason, before it starts
        }
        haven = TestHaven.start(dataDir, Map.of("HAVEN_QUICK_EXIT_URL", "https://exit.invalid/"));
        base = "http://127.0.0.1:" + haven.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    @BeforeEach
    void assumeBrowser() {
        Browser.assumeAvailable();
    }

    /**
     * Verifies that a browser in French gets the page in French (its words, title, lang) and the
     * first question in French; and that when the person then chooses Arabic, the page follows the
     * conversation: Arabic words, right to left.
     */
    @Test
    void testFrenchBrowserGetsFrenchPageAndQuestionThenFollowsArabic() throws Exception {
        try (Browser b = open("fr-CA,fr")) {
            assertEquals("fr", b.js("return document.documentElement.lang"));
            assertEquals("ltr", b.js("return document.documentElement.dir"));
            assertEquals("Haven — conversation confidentielle", b.driver().getTitle());
            assertEquals("Envoyer", text(b, "#send"));
            assertEquals("Sortie rapide", text(b, "#exit"));
            assertEquals(
                    "Écrivez un message",
                    b.driver().findElement(By.id("text")).getAttribute("placeholder"));
            assertTrue(
                    lastBot(b).contains("Pouvez-vous parler en sécurité maintenant?"), lastBot(b));
            say(b, "oui");
            assertTrue(lastMine(b).contains("✓ Envoyé"), lastMine(b));
            b.screenshot("chat-lang-fr");
            b.assertNoAxeViolations("/chat in French");

            say(b, "ar");
            b.await(
                    "the page in Arabic",
                    d -> "ar".equals(b.js("return document.documentElement.lang")));
            assertEquals("rtl", b.js("return document.documentElement.dir"));
            assertEquals("إرسال", text(b, "#send"));
            assertTrue(lastBot(b).contains("من يكتب؟"), lastBot(b));
        }
    }

    /**
     * Verifies that a browser in Arabic gets the page right to left, in Arabic, with the first
     * question in Arabic; and that a multiple-choice question there has its hint and its Done
     * button in Arabic. axe finds nothing on either.
     */
    @Test
    void testArabicBrowserGetsRightToLeftArabicPageAndQuestion() throws Exception {
        try (Browser b = open("ar")) {
            assertEquals("ar", b.js("return document.documentElement.lang"));
            assertEquals("rtl", b.js("return document.documentElement.dir"));
            assertEquals("Haven — محادثة سرية", b.driver().getTitle());
            assertEquals("إرسال", text(b, "#send"));
            assertEquals("خروج سريع", text(b, "#exit"));
            assertEquals("رسالتك", b.js("return document.getElementById('label').textContent"));
            assertTrue(lastBot(b).contains("هل الحديث آمن لك الآن؟"), lastBot(b));
            WebElement first = b.driver().findElements(By.cssSelector(".msg.bot")).get(0);
            assertEquals("rtl", first.getAttribute("dir"));
            b.screenshot("chat-lang-ar");
            b.assertNoAxeViolations("/chat in Arabic, first question");

            for (String input : List.of("نعم", "العربية", "أنا ناجٍ أو ناجية", "لا", "نعم")) {
                say(b, input);
            }
            assertTrue(lastMine(b).contains("✓ أُرسلت"), lastMine(b));
            assertTrue(lastBot(b).contains("ماذا حدث؟ اضغط على كل ما ينطبق، ثم تم."), lastBot(b));
            assertEquals("تم", text(b, ".opts .done"));
            b.driver().findElements(By.cssSelector(".opts [aria-pressed]")).get(1).click();
            b.screenshot("chat-lang-ar-several");
            b.assertNoAxeViolations("/chat in Arabic, a multiple-choice question");
        }
    }

    /**
     * Verifies that a browser in a language the script does not speak gets the page in English with
     * French beside, as before, and the first question in English.
     */
    @Test
    void testOtherBrowserLanguageGetsEnglishWithFrenchBeside() throws Exception {
        try (Browser b = open("de-DE,de")) {
            assertEquals("en", b.js("return document.documentElement.lang"));
            assertEquals("Quick exit Sortie rapide", text(b, "#exit").replace('\n', ' '));
            assertEquals("Send", text(b, "#send"));
            assertTrue(lastBot(b).contains("Is it safe for you to talk now?"), lastBot(b));
            b.screenshot("chat-lang-other");
        }
    }

    /**
     * Verifies that an error the page has its own words for is said in the page's language: a
     * Ukrainian page whose resume token the server no longer knows says, in Ukrainian, that the
     * conversation ended and a new one starts.
     */
    @Test
    void testExpiredConversationIsSaidInThePagesLanguage() throws Exception {
        try (Browser b = open("uk")) {
            assertEquals("uk", b.js("return document.documentElement.lang"));
            b.js("sessionStorage.setItem('haven.resume', 'AAAAAAAAAAAAAAAAAAAAAA'); return null");
            b.driver().navigate().refresh();
            b.await(
                    "the note that the conversation ended",
                    d ->
                            d.findElements(By.cssSelector(".note")).stream()
                                    .anyMatch(
                                            n ->
                                                    n.getText()
                                                            .contains(
                                                                    "Цю розмову завершено. Починаємо нову.")));
            WebElement note =
                    b.driver().findElements(By.cssSelector(".note")).stream()
                            .filter(n -> n.getText().contains("Цю розмову завершено"))
                            .findFirst()
                            .orElseThrow();
            assertEquals("uk", note.getAttribute("lang"));
        }
    }

    /** A browser with these languages, on the chat page, once the first question is there. */
    private static Browser open(String languages) throws Exception {
        Browser b = Browser.start(WIDTH, HEIGHT, languages);
        try {
            b.driver().get(base + "/chat");
            b.await(
                    "the first question",
                    d -> !d.findElements(By.cssSelector(".msg.bot")).isEmpty());
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    /**
     * Clicks the option whose label is {@code input}, or whose value is, else types it; waits for
     * the answer.
     */
    private static void say(Browser b, String input) {
        int before = b.driver().findElements(By.cssSelector(".msg.bot")).size();
        WebElement choice =
                b.driver().findElements(By.cssSelector(".opts button")).stream()
                        .filter(
                                o ->
                                        input.equals(o.getAttribute("value"))
                                                || input.equals(o.getText().strip()))
                        .findFirst()
                        .orElse(null);
        if (choice != null) {
            choice.click();
        } else {
            WebElement text = b.driver().findElement(By.id("text"));
            text.sendKeys(input);
            text.sendKeys(Keys.ENTER);
        }
        b.await(
                "the answer to \"" + input + "\"",
                d ->
                        d.findElements(By.cssSelector(".msg.bot")).size() > before
                                && !d.findElements(By.cssSelector(".msg.me .mark")).isEmpty());
        settle(b);
    }

    /**
     * Waits until no more replies arrive for a moment (a step may send a note, then its question).
     */
    private static void settle(Browser b) {
        int seen;
        do {
            seen = b.driver().findElements(By.cssSelector(".msg")).size();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (b.driver().findElements(By.cssSelector(".msg")).size() != seen);
    }

    private static String text(Browser b, String css) {
        return b.driver().findElement(By.cssSelector(css)).getText().strip();
    }

    private static String lastBot(Browser b) {
        List<WebElement> bots = b.driver().findElements(By.cssSelector(".msg.bot"));
        return bots.get(bots.size() - 1).getText();
    }

    private static String lastMine(Browser b) {
        List<WebElement> mine = b.driver().findElements(By.cssSelector(".msg.me"));
        return mine.get(mine.size() - 1).getText();
    }
}
