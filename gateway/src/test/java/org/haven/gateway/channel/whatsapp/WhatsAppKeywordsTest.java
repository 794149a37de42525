package org.haven.gateway.channel.whatsapp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The keywords, the duress word and DELETE on WhatsApp: the dialogue SMS has, reached through the
 * WhatsApp channel.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WhatsAppKeywordsTest {
    private static final String DURESS = "bluebird";
    private static final AtomicInteger NUMBERS = new AtomicInteger(200);

    @TempDir static Path dataDir;
    private static FakeTwilio twilio;
    private static Haven haven;
    private static TwilioWebhook webhook;

    @BeforeAll
    static void start() throws Exception {
        twilio = FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID);
        Map<String, String> settings = new HashMap<>(WhatsAppIntakeTest.settings(twilio.url()));
        settings.put("HAVEN_DURESS_WORD", DURESS);
        haven = TestHaven.start(dataDir, settings);
        webhook = new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
        twilio.close();
    }

    /**
     * Verifies that STOP in five languages stops the conversation, and is confirmed in the
     * keyword's language.
     */
    @ParameterizedTest
    @CsvSource({
        "STOP, no more messages",
        "ARRET, plus de messages",
        "توقف, لن تصلك",
        "PARAR, No recibirá",
        "СТОП, більше не"
    })
    void testStopInEveryLanguageStopsConversation(String keyword, String said) throws Exception {
        String from = started();
        long stopped = count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        send(from, keyword);
        assertEquals(
                stopped + 1,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        FakeTwilio.Received confirmation = next(from);
        assertTrue(confirmation.body().contains(said), confirmation.body());
    }

    /** Verifies that HELP in Spanish is answered with the list of keywords. */
    @Test
    void testHelpInSpanishListsTheKeywords() throws Exception {
        String from = started();
        int before = twilio.to(from).size();
        send(from, "AYUDA");
        next(from);
        List<FakeTwilio.Received> after = twilio.to(from);
        assertTrue(
                after.subList(before, after.size()).stream()
                        .anyMatch(r -> r.body().contains("BORRAR")),
                "no help in Spanish: "
                        + after.subList(before, after.size()).stream()
                                .map(FakeTwilio.Received::body)
                                .toList());
    }

    /** Verifies that the duress word gets the decoy and nothing else. */
    @Test
    void testDuressWordGetsTheDecoy() throws Exception {
        String from = started();
        send(from, DURESS);
        assertEquals("Sorry, wrong number.", next(from).body());
    }

    /**
     * Verifies that a file sent after the duress word, or with it, gets the decoy and nothing that
     * gives Haven away (no "we kept your file" notice), is kept nowhere (nothing is kept under
     * duress), and is deleted from Twilio.
     */
    @Test
    void testFileUnderDuressGetsOnlyTheDecoyAndIsKeptNowhere() throws Exception {
        String from = started();
        send(from, DURESS);
        assertEquals("Sorry, wrong number.", next(from).body());
        long held = count("SELECT count(*) FROM held_media");
        long attachments = count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'");
        for (String text : new String[] {"", DURESS}) {
            int before = twilio.to(from).size();
            String sid = WhatsAppIntakeTest.mediaSid();
            String voice = twilio.addMedia(sid, "audio/ogg", "OggS-voice".getBytes(UTF_8));
            HttpResponse<String> r =
                    webhook.postSigned(
                            WhatsAppChannel.MESSAGE_PATH,
                            WhatsAppIntakeTest.form(sid, from, text, voice, "audio/ogg"),
                            WhatsAppIntakeTest.AUTH_TOKEN);
            assertEquals(200, r.statusCode());
            next(from);
            List<String> said =
                    twilio.to(from).subList(before, twilio.to(from).size()).stream()
                            .map(FakeTwilio.Received::body)
                            .toList();
            assertEquals(List.of("Sorry, wrong number."), said, "with text '" + text + "'");
            assertFalse(twilio.holdsMedia(voice), "a file sent under duress stays on Twilio");
        }
        assertEquals(held, count("SELECT count(*) FROM held_media"));
        assertEquals(
                attachments, count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
    }

    /**
     * Verifies that DELETE in French erases the conversation and is confirmed in the TwiML answer.
     */
    @Test
    void testDeleteIsConfirmedInTwimlAnswer() throws Exception {
        String from = started();
        long conversations = count("SELECT count(*) FROM conversations");
        HttpResponse<String> r = send(from, "SUPPRIMER");
        assertTrue(r.body().contains("<Message>Nous effaçons ce que vous avez envoyé."), r.body());
        assertEquals(conversations - 1, count("SELECT count(*) FROM conversations"));
        assertEquals(
                0,
                count(
                        "SELECT count(*) FROM reply_windows WHERE conversation_id NOT IN (SELECT id FROM conversations)"));
    }

    /**
     * Verifies that STOP on WhatsApp stops the conversation (confirmed once, nothing more sent) and
     * START resumes it where it was, with the question again, as on SMS.
     */
    @Test
    void testStopAndStartStopAndResumeConversation() throws Exception {
        String from = started();
        String question = next(from).body();
        long stopped = count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        int before = twilio.to(from).size();
        send(from, "STOP");
        next(from);
        send(from, "Hello again");
        Thread.sleep(500);
        next(from);
        assertEquals(
                before + 1, twilio.to(from).size(), "STOP is confirmed once, and nothing more");
        send(from, "START");
        assertEquals(
                stopped, count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (twilio.to(from).stream()
                .skip(before + 1)
                .noneMatch(r -> question.equals(r.body()))) {
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "the question was not asked again after START: "
                                + twilio.to(from).stream()
                                        .skip(before + 1)
                                        .map(FakeTwilio.Received::body)
                                        .toList());
            }
            Thread.sleep(100);
        }
    }

    /** A new person who said hello and got the first question. */
    private static String started() throws Exception {
        String from = "whatsapp:+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        send(from, "Hello");
        next(from);
        return from;
    }

    private static HttpResponse<String> send(String from, String text) throws Exception {
        HttpResponse<String> r =
                webhook.postSigned(
                        WhatsAppChannel.MESSAGE_PATH,
                        WhatsAppIntakeTest.form(
                                TwilioWebhook.newMessageSid(), from, text, null, null),
                        WhatsAppIntakeTest.AUTH_TOKEN);
        assertEquals(200, r.statusCode());
        return r;
    }

    /** Waits until every queued reply is sent, and returns the last one to {@code to}. */
    private static FakeTwilio.Received next(String to) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count("SELECT count(*) FROM outbox WHERE status = 'pending'") > 0
                || twilio.to(to).isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no reply");
            }
            Thread.sleep(100);
        }
        List<FakeTwilio.Received> sent = twilio.to(to);
        return sent.get(sent.size() - 1);
    }

    private static long count(String sql) throws Exception {
        return WhatsAppIntakeTest.count(haven, sql);
    }
}
