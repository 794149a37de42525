package org.haven.gateway.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The survivor's chat page (/chat) in a {@link Browser}, used as a person types into it. */
public final class ChatPage {
    private ChatPage() {}

    /** Types {@code input} and presses Enter, then waits for the bot's answer to arrive in full. */
    public static void type(Browser browser, String input) {
        int before = botMessages(browser);
        WebElement text = browser.driver().findElement(By.id("text"));
        text.sendKeys(input);
        text.sendKeys(Keys.ENTER);
        awaitBotMessages(browser, before + 1);
    }

    /**
     * Waits for at least {@code atLeast} bot messages, and then until no more arrive for 200 ms.
     */
    public static void awaitBotMessages(Browser browser, int atLeast) {
        browser.await(atLeast + " bot messages", w -> botMessages(browser) >= atLeast);
        // a reply may come in several frames (a note, then the question): let them all arrive
        int seen;
        do {
            seen = botMessages(browser);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (botMessages(browser) != seen);
    }

    private static int botMessages(Browser browser) {
        return browser.driver().findElements(By.cssSelector(".msg.bot")).size();
    }
}
