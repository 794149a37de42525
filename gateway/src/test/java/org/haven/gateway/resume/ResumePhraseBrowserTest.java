package org.haven.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.sms.SmsChannel;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatPage;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The resume phrase as a person uses it: read on the chat page, written in a new tab and by SMS.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResumePhraseBrowserTest {
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String OUR_NUMBER = "+15145550100";
    private static final String PHONE = "+16135550177";
    private static final Pattern PHRASE = Pattern.compile("5 words: ([^\\n]+)");
    private static final Pattern CASE = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"");

    /**
     * Verifies that a person who went through the intake on the page, and then lost the tab, gets
     * the conversation back in a new tab by typing the phrase the page showed them: the page
     * welcomes them back and shows the coordinator's reply that waited for them, as a
     * coordinator's; and that the same phrase sent by SMS moves the conversation to that phone,
     * where the coordinator's next reply arrives.
     */
    @Test
    void testPhraseShownOnThePageContinuesInANewTabAndBySms(@TempDir Path dataDir)
            throws Exception {
        Browser.assumeAvailable();
        String marker = "phrase-page-" + UUID.randomUUID();
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID);
                Haven haven =
                        TestHaven.start(
                                dataDir,
                                Map.of(
                                        "HAVEN_PUBLIC_URL",
                                        PUBLIC_URL,
                                        "HAVEN_TWILIO_ACCOUNT_SID",
                                        ACCOUNT_SID,
                                        "HAVEN_TWILIO_AUTH_TOKEN",
                                        AUTH_TOKEN,
                                        "HAVEN_TWILIO_FROM",
                                        OUR_NUMBER,
                                        "HAVEN_TWILIO_API_URL",
                                        twilio.url()));
                Browser browser = Browser.start(360, 740)) {
            TestHaven.setUpAdmin(haven);
            String chatUrl = "http://127.0.0.1:" + haven.port() + "/chat";
            WebDriver d = browser.driver();
            String firstTab = d.getWindowHandle();
            d.get(chatUrl);
            ChatPage.awaitBotMessages(browser, 1);
            for (String input : IntakeDriver.survivorAnswers(marker)) {
                ChatPage.type(browser, input);
            }
            String phrase =
                    browser.await(
                            "the resume phrase on the page",
                            w ->
                                    w.findElements(By.cssSelector(".msg.bot")).stream()
                                            .map(m -> PHRASE.matcher(m.getText()))
                                            .filter(Matcher::find)
                                            .map(m -> m.group(1).strip())
                                            .findFirst()
                                            .orElse(null));
            assertEquals(5, phrase.split(" ").length, phrase);

            // the person closes the tab (another one stays open: closing the last ends the
            // browser's session)
            String secondTab = d.switchTo().newWindow(WindowType.TAB).getWindowHandle();
            d.switchTo().window(firstTab).close();
            d.switchTo().window(secondTab);

            // the coordinator answers meanwhile
            InboxClient admin = TestHaven.loggedIn(haven);
            Matcher m = CASE.matcher(admin.get("/inbox?queue=new&q=" + marker).body());
            assertTrue(m.find(), "the case is not in the queue");
            String path = m.group(1);
            assertEquals(
                    302, admin.postWithCsrf(admin.get(path).body(), path + "/claim").statusCode());
            String reply = "We can meet on Tuesday " + UUID.randomUUID();
            assertTrue(
                    admin.postWithCsrf(
                                    admin.get(path).body(),
                                    path + "/reply",
                                    "text",
                                    reply,
                                    "canned",
                                    "")
                            .headers()
                            .firstValue("Location")
                            .orElse("")
                            .endsWith("m=case.reply.sent"),
                    "reply refused");

            // a new tab knows nothing of the conversation until the phrase is typed
            d.get(chatUrl);
            ChatPage.awaitBotMessages(browser, 1);
            assertTrue(
                    d.findElements(By.cssSelector(".msg.coordinator")).isEmpty(),
                    "a new tab showed the old conversation");
            WebElement text = d.findElement(By.id("text"));
            text.sendKeys(phrase.toUpperCase(Locale.ROOT));
            text.sendKeys(Keys.ENTER);
            WebElement shown =
                    browser.await(
                            "the waiting reply in the new tab",
                            w ->
                                    w.findElements(By.cssSelector(".msg.coordinator")).stream()
                                            .filter(e -> e.getText().contains(reply))
                                            .findFirst()
                                            .orElse(null));
            assertTrue(shown.getText().startsWith("Coordinator"), shown.getText());
            assertTrue(
                    d.findElements(By.cssSelector(".msg.bot")).stream()
                            .anyMatch(e -> e.getText().startsWith("Welcome back")),
                    "the new tab did not welcome the person back");
            browser.screenshot("chat-resumed-by-phrase");

            // by SMS: the conversation moves to the phone, and the next reply goes there
            HttpResponse<String> r =
                    new TwilioWebhook(haven.port(), PUBLIC_URL)
                            .postSigned(
                                    SmsChannel.SMS_PATH,
                                    TwilioWebhook.smsForm(
                                            ACCOUNT_SID,
                                            TwilioWebhook.newMessageSid(),
                                            PHONE,
                                            OUR_NUMBER,
                                            phrase),
                                    AUTH_TOKEN);
            assertEquals(200, r.statusCode());
            assertNotNull(
                    twilio.await(
                            x -> PHONE.equals(x.to()) && x.body().startsWith("Welcome back"), 20),
                    "no welcome by SMS");
            String bySms = "By text now " + UUID.randomUUID();
            admin.postWithCsrf(
                    admin.get(path).body(), path + "/reply", "text", bySms, "canned", "");
            assertNotNull(
                    twilio.await(x -> PHONE.equals(x.to()) && x.body().contains(bySms), 20),
                    "the next reply did not go by SMS");
        }
    }
}
