package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quick-reply buttons on WhatsApp against the fake Twilio API: with the templates configured, a
 * question with few short answers goes as a content template whose variables carry the question,
 * the titles and the values; a tap (ButtonPayload) answers with the value SMS reads. Without them,
 * or when Twilio refuses the template, the options go numbered as on SMS.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WhatsAppButtonsTest {
    static final String TWO = "HX22222222222222222222222222222222";
    static final String THREE = "HX33333333333333333333333333333333";
    private static final String FIRST_QUESTION =
            "Hello, this is Haven. We help survivors of torture, war crimes and genocide, and their"
                    + " families, seek justice. It is private. Is it safe for you to talk now?";

    private static Map<String, String> settings(String apiUrl, boolean buttons) {
        Map<String, String> s = new HashMap<>(WhatsAppIntakeTest.settings(apiUrl));
        if (buttons) {
            s.put("HAVEN_WHATSAPP_BUTTONS_CONTENT_SIDS", "2:" + TWO + ", 3:" + THREE);
        }
        return s;
    }

    /**
     * Verifies that with the templates configured the first question goes as the two-button
     * template, its variables as Twilio receives them being the question with the controls, then
     * each title and value; that a tap on Yes (ButtonPayload) moves the intake on to the language
     * question, which has seven answers and goes as numbered text; and that a whole intake answered
     * by taps wherever there were buttons, and typed elsewhere, becomes a case with the answers SMS
     * would have given.
     */
    @Test
    void testChoiceQuestionGoesAsButtonsAndTapAnswersWithTheSmsValue(@TempDir Path dataDir)
            throws Exception {
        String marker = "buttons-" + UUID.randomUUID();
        String phone = "whatsapp:+16135550171";
        try (FakeTwilio twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, settings(twilio.url(), true))) {
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);

            FakeTwilio.Received first = say(haven, twilio, webhook, phone, "Hello", null);
            assertEquals(201, first.status());
            assertEquals(TWO, first.contentSid());
            assertNull(first.body(), "a free-form body sent with the template");
            assertEquals(
                    new JsonObject()
                            .put("1", FIRST_QUESTION + "\nSkip / Pause / Talk to a person")
                            .put("2", "Yes")
                            .put("3", "yes")
                            .put("4", "No")
                            .put("5", "no"),
                    first.contentVariables());
            assertEquals(WhatsAppIntakeTest.OUR_NUMBER, first.params().get("From"));
            assertTrue(first.params().get("StatusCallback").endsWith(WhatsAppChannel.STATUS_PATH));

            FakeTwilio.Received language = say(haven, twilio, webhook, phone, "yes", first);
            assertNull(language.contentSid(), "seven languages went as buttons");
            assertTrue(
                    language.body().startsWith("Which language do you prefer?\n1) English"),
                    language.body());

            // the rest of the intake: a tap wherever buttons came, typed text elsewhere
            List<String> answers = IntakeDriver.survivorAnswers(marker);
            FakeTwilio.Received last = language;
            int taps = 1;
            for (String answer : answers.subList(1, answers.size())) {
                taps += last.contentSid() == null ? 0 : 1;
                last = say(haven, twilio, webhook, phone, answer, last);
                assertEquals(201, last.status(), "Twilio refused a message");
            }
            assertTrue(taps >= 5, "only " + taps + " questions went as buttons");
            assertTrue(
                    twilio.to(phone).stream().anyMatch(r -> THREE.equals(r.contentSid())),
                    "no question went as the three-button template");

            InboxClient inbox = TestHaven.loggedIn(haven);
            String queue = inbox.get("/inbox?queue=new&q=" + marker).body();
            Matcher link =
                    java.util.regex.Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                            .matcher(queue);
            assertTrue(link.find(), "no case from the intake answered by taps");
            String page = inbox.get(link.group(1)).body();
            for (String shown : List.of("I am a survivor", "Torture", "Refugee", marker)) {
                assertTrue(page.contains(shown), "the case does not show " + shown);
            }
        }
    }

    /**
     * Verifies that when Twilio refuses the template (here its variables), the question goes again
     * at once as numbered text, so the person still gets it.
     */
    @Test
    void testRefusedTemplateFallsBackToNumberedText(@TempDir Path dataDir) throws Exception {
        String phone = "whatsapp:+16135550172";
        try (FakeTwilio twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, settings(twilio.url(), true))) {
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
            twilio.failNext(phone, new int[] {400, 21656});
            FakeTwilio.Received text = say(haven, twilio, webhook, phone, "Hello", null);
            List<FakeTwilio.Received> sent = twilio.to(phone);
            assertEquals(2, sent.size(), "not the template then the text");
            assertEquals(TWO, sent.get(0).contentSid());
            assertEquals(400, sent.get(0).status());
            assertEquals(201, text.status());
            assertNull(text.contentSid());
            assertEquals(
                    FIRST_QUESTION + "\n1) Yes\n2) No\nSkip / Pause / Talk to a person",
                    text.body());
        }
    }

    /**
     * Verifies that without the setting the options go numbered as on SMS, with no template, and
     * that typing the number answers.
     */
    @Test
    void testWithoutSettingOptionsGoAsNumberedText(@TempDir Path dataDir) throws Exception {
        String phone = "whatsapp:+16135550173";
        try (FakeTwilio twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, settings(twilio.url(), false))) {
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
            FakeTwilio.Received first = say(haven, twilio, webhook, phone, "Hello", null);
            assertNull(first.contentSid());
            assertNull(first.params().get("ContentVariables"));
            assertEquals(
                    FIRST_QUESTION + "\n1) Yes\n2) No\nSkip / Pause / Talk to a person",
                    first.body());
            FakeTwilio.Received next = say(haven, twilio, webhook, phone, "1", first);
            assertTrue(next.body().startsWith("Which language do you prefer?"), next.body());
        }
    }

    /**
     * Sends {@code answer}: as a tap on the button whose id is the answer when {@code last} was a
     * template (failing if no button has it), as text otherwise. Returns the last message sent
     * back, once nothing is pending.
     */
    private static FakeTwilio.Received say(
            Haven haven,
            FakeTwilio twilio,
            TwilioWebhook webhook,
            String phone,
            String answer,
            FakeTwilio.Received last)
            throws Exception {
        String sid = TwilioWebhook.newMessageSid();
        String form;
        if (last != null && last.contentSid() != null && last.status() == 201) {
            JsonObject v = last.contentVariables();
            String title = null;
            for (int i = 2; v.containsKey(String.valueOf(i)); i += 2) {
                if (answer.equals(v.getString(String.valueOf(i + 1)))) {
                    title = v.getString(String.valueOf(i));
                }
            }
            assertNotNull(title, "no button for " + answer + " in " + v);
            // as Twilio posts a tap: the title as the body, and the button's id as its payload
            form =
                    WhatsAppIntakeTest.form(sid, phone, title, null, null)
                            + "&MessageType=button&ButtonText="
                            + TwilioWebhook.enc(title)
                            + "&ButtonPayload="
                            + TwilioWebhook.enc(answer);
        } else {
            form = WhatsAppIntakeTest.form(sid, phone, answer, null, null);
        }
        int before = twilio.to(phone).size();
        HttpResponse<String> r =
                webhook.postSigned(
                        WhatsAppChannel.MESSAGE_PATH, form, WhatsAppIntakeTest.AUTH_TOKEN);
        assertEquals(200, r.statusCode(), "webhook refused");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (twilio.to(phone).size() <= before
                || WhatsAppIntakeTest.count(
                                haven, "SELECT count(*) FROM outbox WHERE status = 'pending'")
                        > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no answer to " + answer);
            }
            Thread.sleep(50);
        }
        List<FakeTwilio.Received> sent = new ArrayList<>(twilio.to(phone));
        return sent.get(sent.size() - 1);
    }
}
