package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatPage;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The duress word in a real browser: what the person's screen keeps, and what the coordinator sees.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DuressBrowserTest {
    private static final String DURESS = "bluebird";
    private static final String DECOY = "This page is no longer available.";
    private static final String CASE_LINK = "table.queue a[href^='/inbox/cases/']";

    /**
     * Verifies that the duress word typed on the chat page leaves the screen showing only a neutral
     * notice, as a page that is gone: none of the conversation, no input, no quick-exit button, and
     * nothing in the tab's storage, so a reload opens an empty chat. Before, the page answered
     * "Sorry, wrong number" under the whole conversation. Then, in the inbox, the case is marked in
     * words a coordinator cannot miss, and a reply is held until the coordinator confirms it.
     */
    @Test
    void testDuressClearsThePageAndHoldsTheCoordinatorsReply(@TempDir Path dataDir)
            throws Exception {
        Browser.assumeAvailable();
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DURESS_WORD", DURESS));
                Browser browser = Browser.start(360, 740)) {
            TestHaven.setUpAdmin(haven);
            String base = "http://127.0.0.1:" + haven.port();
            WebDriver d = browser.driver();
            d.get(base + "/chat");
            ChatPage.awaitBotMessages(browser, 1);
            for (String input : List.of("yes", "en", "survivor")) {
                ChatPage.type(browser, input);
            }
            assertTrue(
                    d.findElements(By.cssSelector(".msg.me")).size() == 3,
                    "the answers are not on the page");

            WebElement text = d.findElement(By.id("text"));
            text.sendKeys(DURESS);
            text.sendKeys(Keys.ENTER);
            browser.await("the page gone", w -> w.findElements(By.id("log")).isEmpty());
            assertEquals(DECOY, d.findElement(By.tagName("body")).getText().strip());
            assertEquals(DECOY, d.getTitle());
            assertTrue(
                    d.findElements(By.cssSelector(".msg, #text, #exit")).isEmpty(),
                    "the chat is still on the page");
            assertEquals(
                    0L,
                    browser.js("return sessionStorage.length + localStorage.length"),
                    "the tab keeps the conversation's token");
            browser.screenshot("chat-after-duress");
            d.navigate().refresh();
            ChatPage.awaitBotMessages(browser, 1);
            assertTrue(
                    d.findElements(By.cssSelector(".msg.me")).isEmpty(),
                    "a reload brought the conversation back");

            // the coordinator's side
            InboxPage.logInAsAdmin(browser, base, dataDir);
            assertTrue(
                    d.findElement(By.tagName("main"))
                            .getText()
                            .contains("Do not write unless they write first"),
                    "the queue does not say the person may not be safe");
            d.get(
                    browser.await(
                                    "the case",
                                    w ->
                                            w.findElements(By.cssSelector(CASE_LINK)).stream()
                                                    .findFirst()
                                                    .orElse(null))
                            .getAttribute("href"));
            assertTrue(
                    d.findElement(By.tagName("main")).getText().contains("Duress word used"),
                    "the case page is not marked");
            d.findElement(By.cssSelector("form[action$='/claim'] button")).click();
            String held = "Are you safe? " + UUID.randomUUID();
            // the claim reloads the page: type into the reloaded one's form (a form found on the
            // page being left goes stale under the typing)
            browser.await(
                    "the claimed case",
                    w -> w.findElement(By.cssSelector("form[action$='/release']")));
            browser.await(
                    "the reply typed",
                    w -> {
                        WebElement box = w.findElement(By.id("reply-text"));
                        box.clear();
                        box.sendKeys(held);
                        return held.equals(box.getAttribute("value"));
                    });
            d.findElement(By.id("send-reply")).click();
            browser.await(
                    "the reply held", w -> w.getCurrentUrl().contains("m=case.reply.duress_held"));
            assertTrue(
                    d.findElement(By.tagName("main"))
                            .getText()
                            .contains("Not sent: the duress word was used"),
                    "no word that it was held");
            // the live section may be replaced under the reading (the page looks again once its
            // stream opens)
            String thread =
                    browser.await(
                            "the conversation",
                            w -> w.findElement(By.id("conversation")).getText());
            assertFalse(thread.contains(held), "the held reply was sent");
            browser.screenshot("inbox-duress-reply-held");

            String confirmed = "We are here when you can write. " + UUID.randomUUID();
            d.findElement(By.id("reply-text")).sendKeys(confirmed);
            d.findElement(By.id("duress-confirm")).click();
            d.findElement(By.id("send-reply")).click();
            browser.await(
                    "the confirmed reply sent",
                    w -> w.getCurrentUrl().contains("m=case.reply.sent"));
            browser.await(
                    "the confirmed reply on the case",
                    w -> w.findElement(By.id("conversation")).getText().contains(confirmed));
        }
    }
}
