package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume phrase on WhatsApp, as on SMS: written on WhatsApp it moves a web chat's conversation
 * and its case there; wrong phrases are answered and limited.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WhatsAppResumeTest {
    private static final Pattern PHRASE = Pattern.compile("5 words: ([^\\n]+)\\n");

    /**
     * Verifies that the phrase of a web chat's hand-off, written on WhatsApp, is welcomed there,
     * moves the case to WhatsApp, and that the coordinator's next reply goes to that WhatsApp
     * number as written (the person just wrote: the 24-hour window is open), not as the template.
     */
    @Test
    void testPhraseMovesTheConversationToWhatsApp(@TempDir Path dataDir) throws Exception {
        String marker = "phrase-" + UUID.randomUUID();
        String phone = "whatsapp:+16135550191";
        try (FakeTwilio twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, WhatsAppIntakeTest.settings(twilio.url()))) {
            TestHaven.setUpAdmin(haven);
            String phrase;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                phrase =
                        phraseIn(
                                IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker))
                                        .frames());
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = casePath(admin, marker);
            assertEquals(
                    302, admin.postWithCsrf(admin.get(path).body(), path + "/claim").statusCode());

            TwilioWebhook webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
            post(webhook, phone, phrase);
            FakeTwilio.Received welcome =
                    twilio.await(
                            m -> phone.equals(m.to()) && m.body().startsWith("Welcome back"), 20);
            assertEquals(WhatsAppIntakeTest.OUR_NUMBER, welcome.params().get("From"));
            String page = admin.get(path).body();
            assertTrue(page.contains("<dd>whatsapp</dd>"), "the case's channel did not follow");

            String reply = "On WhatsApp now " + UUID.randomUUID();
            admin.postWithCsrf(page, path + "/reply", "text", reply, "canned", "");
            FakeTwilio.Received sent =
                    twilio.await(
                            m ->
                                    phone.equals(m.to())
                                            && m.body() != null
                                            && m.body().contains(reply),
                            20);
            assertNull(sent.contentSid(), "the reply went as the template: the window was shut");
            assertTrue(
                    twilio.to(phone).stream().noneMatch(m -> m.contentSid() != null),
                    "the template was sent to a person who just wrote");
        }
    }

    /**
     * Verifies that a wrong phrase on WhatsApp is answered as such, and that after five wrong ones
     * even the right phrase moves nothing and the writer is told to wait, as on SMS.
     */
    @Test
    void testWrongPhrasesAreLimitedOnWhatsApp(@TempDir Path dataDir) throws Exception {
        String phone = "whatsapp:+16135550192";
        try (FakeTwilio twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, WhatsAppIntakeTest.settings(twilio.url()))) {
            String phrase;
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(null);
                token = chat.nextOfType("session").getString("resume");
                chat.sync();
                chat.untilAck(chat.say("PHRASE"));
                phrase = phraseIn(chat.sync());
            }
            String[] words = phrase.split(" ");
            String wrong = String.join(" ", words[1], words[0], words[2], words[3], words[4]);
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
            post(webhook, phone, wrong);
            twilio.await(
                    m -> phone.equals(m.to()) && m.body().startsWith("These words do not match"),
                    20);
            for (int i = 0; i < 4; i++) {
                post(webhook, phone, wrong);
            }
            post(webhook, phone, phrase);
            twilio.await(m -> phone.equals(m.to()) && m.body().startsWith("Too many tries"), 20);
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                assertEquals(
                        "session",
                        chat.next().getString("type"),
                        "a throttled phrase moved the conversation");
            }
        }
    }

    private static void post(TwilioWebhook webhook, String from, String text) throws Exception {
        HttpResponse<String> r =
                webhook.postSigned(
                        WhatsAppChannel.MESSAGE_PATH,
                        WhatsAppIntakeTest.form(
                                TwilioWebhook.newMessageSid(), from, text, null, null),
                        WhatsAppIntakeTest.AUTH_TOKEN);
        assertEquals(200, r.statusCode());
    }

    private static String phraseIn(List<JsonObject> frames) {
        for (JsonObject f : frames) {
            Matcher m = PHRASE.matcher(String.valueOf(f.getString("text")));
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no phrase given: " + frames);
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
