package org.haven.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.sms.SmsChannel;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The resume phrase: a survivor continues the same conversation in a new tab or by SMS. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResumePhraseTest {
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String OUR_NUMBER = "+15145550100";
    private static final String PHONE = "+16135550188";
    private static final String OTHER_PHONE = "+16135550199";
    private static final Pattern PHRASE = Pattern.compile("5 words: ([^\\n]+)\\n");

    /**
     * Verifies that the hand-off gives a phrase; that written in a new tab it brings back the
     * conversation (what was said since hand-off, then a reply the coordinator wrote meanwhile)
     * while the old tab's token no longer opens it; that written by SMS it moves the conversation
     * and its case to SMS, so the coordinator's next reply goes to that number; and that the phrase
     * is nowhere in clear in the database.
     */
    @Test
    void testPhraseContinuesTheConversationInANewTabAndBySms(@TempDir Path dataDir)
            throws Exception {
        String marker = "phrase-" + UUID.randomUUID();
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, settings(twilio.url()))) {
            TestHaven.setUpAdmin(haven);
            String oldToken;
            String phrase;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.Transcript t =
                        IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
                oldToken = t.resumeToken();
                phrase = phraseIn(t.frames());
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = casePath(admin, marker);
            assertEquals(
                    302, admin.postWithCsrf(admin.get(path).body(), path + "/claim").statusCode());
            String reply = "While you were away " + UUID.randomUUID();
            admin.postWithCsrf(
                    admin.get(path).body(), path + "/reply", "text", reply, "canned", "");

            // a new tab: the phrase brings the conversation, and the reply that waited for the
            // person
            try (ChatClient tab = ChatClient.connect(haven.port())) {
                tab.start(null);
                tab.nextOfType("session");
                tab.sync();
                List<JsonObject> frames = tab.untilAck(tab.say(phrase.toUpperCase(Locale.ROOT)));
                JsonObject f;
                boolean welcomed = false;
                boolean history = false;
                do {
                    f = tab.next();
                    welcomed |=
                            "reply".equals(f.getString("type"))
                                    && f.getString("text").startsWith("Welcome back");
                    history |= "history".equals(f.getString("type"));
                } while (!reply.equals(f.getString("text")));
                assertTrue(
                        welcomed && history,
                        "no welcome or no history before the waiting reply: " + frames);
                assertEquals("coordinator", f.getString("from"));
            }
            waitForPage(admin, path, "Shown on the person");
            try (ChatClient old = ChatClient.connect(haven.port())) {
                old.start(oldToken);
                assertEquals(
                        "expired",
                        old.nextOfType("error").getString("code"),
                        "the old tab still opens the conversation");
            }

            // by SMS, from a phone: the case follows to SMS, and the coordinator's next reply goes
            // there
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            HttpResponse<String> r =
                    webhook.postSigned(
                            SmsChannel.SMS_PATH,
                            TwilioWebhook.smsForm(
                                    ACCOUNT_SID,
                                    TwilioWebhook.newMessageSid(),
                                    PHONE,
                                    OUR_NUMBER,
                                    phrase),
                            AUTH_TOKEN);
            assertEquals(200, r.statusCode());
            assertTrue(
                    twilio.await(
                                    m ->
                                            PHONE.equals(m.to())
                                                    && m.body().startsWith("Welcome back"),
                                    20)
                            != null);
            String page = admin.get(path).body();
            assertTrue(page.contains("<dd>sms</dd>"), "the case's channel did not follow");
            String smsReply = "By text now " + UUID.randomUUID();
            admin.postWithCsrf(page, path + "/reply", "text", smsReply, "canned", "");
            assertTrue(
                    twilio.await(m -> PHONE.equals(m.to()) && m.body().contains(smsReply), 20)
                            != null);

            String dump = DatabaseDump.dump(haven.database().connectOptions());
            for (String word : phrase.split(" ")) {
                assertFalse(
                        dump.contains(" " + word + " "),
                        "a phrase word is in the database in clear");
            }
            assertFalse(dump.contains(phrase), "the phrase is in the database in clear");
        }
    }

    /**
     * Verifies that hand-offs take resume phrases prepared ahead, so that a step runs no Argon2id
     * holding its database connection (issue 24: 150 hand-offs at once held the pool and both
     * processors for seconds), and that a prepared phrase continues its conversation like any.
     */
    @Test
    void testHandOffsTakePreparedPhrases(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_RESUME_PHRASES_PREPARED", "3"))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metric(haven, "haven_resume_phrases_prepared") < 3) {
                assertTrue(System.nanoTime() < end, "the pool never filled");
                Thread.sleep(100);
            }
            String first = null;
            for (int i = 0; i < 2; i++) {
                try (ChatClient chat = ChatClient.connect(haven.port())) {
                    String phrase =
                            phraseIn(
                                    IntakeDriver.run(
                                                    chat,
                                                    IntakeDriver.survivorAnswers(
                                                            "prepared-" + UUID.randomUUID()))
                                            .frames());
                    assertNotEquals(first, phrase);
                    first = first == null ? phrase : first;
                }
            }
            assertEquals(0.0, metric(haven, "haven_resume_phrases_missed_total"));
            try (ChatClient tab = ChatClient.connect(haven.port())) {
                tab.start(null);
                tab.nextOfType("session");
                tab.sync();
                List<JsonObject> frames = tab.untilAck(tab.say(first));
                JsonObject f = frames.get(frames.size() - 1);
                for (int i = 0; i < 20 && !"reply".equals(f.getString("type")); i++) {
                    f = tab.next(); // the replies follow the acknowledgement
                }
                assertTrue(
                        String.valueOf(f.getString("text")).startsWith("Welcome back"),
                        "a prepared phrase did not continue its conversation: " + f);
            }
        }
    }

    /**
     * Verifies that a wrong phrase is answered as such, that a writer who sent five wrong ones is
     * told to wait (and even the right phrase then moves nothing), that the PHRASE keyword gives a
     * new phrase mid-intake with the question again, and that the new phrase replaces the old one.
     */
    @Test
    void testWrongPhrasesAreLimitedAndAskingGivesANewOne(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, settings(twilio.url()))) {
            TestHaven.setUpAdmin(haven);
            String first;
            String second;
            String token;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(null);
                token = chat.nextOfType("session").getString("resume");
                chat.sync();
                chat.untilAck(chat.say("PHRASE"));
                first = phraseIn(chat.sync());
                List<JsonObject> again = chat.untilAck(chat.say("phrase"));
                again.addAll(chat.sync());
                second = phraseIn(again);
                assertTrue(
                        again.get(again.size() - 1).getString("text").contains("safe"),
                        "the question is not asked again: " + again);
            }
            assertNotEquals(first, second);

            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            sms(webhook, OTHER_PHONE, first);
            assertTrue(
                    twilio.await(
                                    m ->
                                            OTHER_PHONE.equals(m.to())
                                                    && m.body()
                                                            .startsWith("These words do not match"),
                                    20)
                            != null,
                    "the replaced phrase still works");
            for (int i = 0; i < 4; i++) {
                sms(webhook, OTHER_PHONE, first);
            }
            sms(webhook, OTHER_PHONE, second);
            assertTrue(
                    twilio.await(
                                    m ->
                                            OTHER_PHONE.equals(m.to())
                                                    && m.body().startsWith("Too many tries"),
                                    20)
                            != null);
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                assertEquals(
                        "session",
                        chat.next().getString("type"),
                        "a throttled phrase moved the conversation");
            }
        }
    }

    private static Map<String, String> settings(String apiUrl) {
        return Map.of(
                "HAVEN_PUBLIC_URL",
                PUBLIC_URL,
                "HAVEN_TWILIO_ACCOUNT_SID",
                ACCOUNT_SID,
                "HAVEN_TWILIO_AUTH_TOKEN",
                AUTH_TOKEN,
                "HAVEN_TWILIO_FROM",
                OUR_NUMBER,
                "HAVEN_TWILIO_API_URL",
                apiUrl);
    }

    private static void sms(TwilioWebhook webhook, String from, String text) throws Exception {
        HttpResponse<String> r =
                webhook.postSigned(
                        SmsChannel.SMS_PATH,
                        TwilioWebhook.smsForm(
                                ACCOUNT_SID, TwilioWebhook.newMessageSid(), from, OUR_NUMBER, text),
                        AUTH_TOKEN);
        assertEquals(200, r.statusCode());
    }

    private static double metric(Haven haven, String name) throws Exception {
        Matcher m =
                Pattern.compile("(?m)^" + name + " (\\S+)$")
                        .matcher(new InboxClient(haven.port()).get("/metrics").body());
        assertTrue(m.find(), "no " + name);
        return Double.parseDouble(m.group(1));
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

    private static void waitForPage(InboxClient admin, String path, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!admin.get(path + "?partial=conversation").body().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the case page never said " + text);
            }
            Thread.sleep(100);
        }
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
