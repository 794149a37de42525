package org.haven.gateway.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole intake by SMS, from the first text to a queued case, against a fake Twilio speaking the
 * real wire format.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SmsIntakeTest {
    private static final String PHONE = "+16135550147";
    // plain http: the inbox's cookies are Secure under https and the test client talks plain http
    private static final String PUBLIC_URL = "http://haven.example.org";

    /**
     * The person's number as it might be written anywhere: none may appear in the database or the
     * logs.
     */
    private static final List<String> PHONE_FORMS =
            List.of(
                    "+16135550147",
                    "16135550147",
                    "6135550147",
                    "613-555-0147",
                    "613 555 0147",
                    "(613) 555-0147",
                    "613.555.0147",
                    "%2B16135550147",
                    "+1 613 555 0147",
                    "+1-613-555-0147");

    /**
     * Verifies that an intake answered by SMS becomes a queued case a coordinator reads, that every
     * reply (the dialogue's and then a coordinator's) went out through the Twilio API in its wire
     * format, that a delivery report is recorded, and that the person's phone number is nowhere in
     * clear in the database or the logs.
     */
    @Test
    void testIntakeBySmsReachesInboxAndNumberIsNeverInClear(@TempDir Path dataDir)
            throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (LogCapture logs = new LogCapture();
                FakeTwilio twilio = FakeTwilio.start(SmsChannelTest.ACCOUNT_SID);
                Haven haven =
                        TestHaven.start(
                                dataDir, SmsChannelTest.settings(twilio.url(), PUBLIC_URL))) {
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);

            List<String> texts = new ArrayList<>();
            texts.add("Hello");
            texts.addAll(IntakeDriver.survivorAnswers(marker));
            for (String text : texts) {
                String form =
                        TwilioWebhook.smsForm(
                                SmsChannelTest.ACCOUNT_SID,
                                TwilioWebhook.newMessageSid(),
                                PHONE,
                                SmsChannelTest.OUR_NUMBER,
                                text);
                HttpResponse<String> r =
                        webhook.postSigned(SmsChannel.SMS_PATH, form, SmsChannelTest.AUTH_TOKEN);
                assertEquals(200, r.statusCode(), "webhook for answer " + texts.indexOf(text));
                assertTrue(r.body().contains("<Response></Response>"));
            }

            InboxClient inbox = TestHaven.loggedIn(haven);
            String queue = awaitCase(inbox);
            String reference = IntakeDriver.onlyCaseReference(queue);
            Matcher link = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue);
            assertTrue(link.find(), "no case link in the queue");
            String casePage = inbox.get(link.group(1)).body();
            assertTrue(casePage.contains(marker), "free-text answer not shown decrypted");
            assertTrue(casePage.contains("Likely within the mandate"), "triage not shown");

            // a coordinator's answer goes back the way the person wrote: by SMS
            String path = link.group(1);
            assertEquals(302, inbox.postWithCsrf(casePage, path + "/claim").statusCode());
            String reply = "We will call you tomorrow morning " + UUID.randomUUID();
            HttpResponse<String> replied =
                    inbox.postWithCsrf(
                            inbox.get(path).body(), path + "/reply", "text", reply, "canned", "");
            assertTrue(
                    replied.headers()
                            .firstValue("Location")
                            .orElse("")
                            .endsWith("m=case.reply.sent"),
                    "reply not accepted");
            // prefixed as the intake script says, so that the person tells a coordinator from the
            // intake
            twilio.await(
                    r ->
                            PHONE.equals(r.to())
                                    && r.status() == 201
                                    && r.body().equals("Coordinator: " + reply),
                    30);
            assertFalse(
                    inbox.get(path).body().contains("Coordinator: " + reply),
                    "the case keeps the coordinator's own words");

            awaitNoPending(haven);
            List<FakeTwilio.Received> sent = twilio.received();
            assertTrue(sent.size() >= texts.size(), "fewer replies than messages: " + sent.size());
            String basic =
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            (SmsChannelTest.ACCOUNT_SID
                                                            + ":"
                                                            + SmsChannelTest.AUTH_TOKEN)
                                                    .getBytes(StandardCharsets.UTF_8));
            for (FakeTwilio.Received r : sent) {
                assertEquals(201, r.status());
                assertEquals(
                        "/2010-04-01/Accounts/" + SmsChannelTest.ACCOUNT_SID + "/Messages.json",
                        r.path());
                assertEquals(basic, r.authorization());
                assertEquals(PHONE, r.to());
                assertEquals(SmsChannelTest.OUR_NUMBER, r.params().get("From"));
                assertEquals("3600", r.params().get("ValidityPeriod"));
                assertEquals(PUBLIC_URL + SmsChannel.STATUS_PATH, r.params().get("StatusCallback"));
                assertTrue(r.body().length() <= SmsSender.MAX_BODY);
            }
            assertTrue(
                    sent.stream().anyMatch(r -> r.body().contains("1) ")),
                    "no numbered options sent");

            String report =
                    TwilioWebhook.statusForm(
                            SmsChannelTest.ACCOUNT_SID, sent.get(0).sid(), "delivered", PHONE);
            assertEquals(
                    204,
                    webhook.postSigned(SmsChannel.STATUS_PATH, report, SmsChannelTest.AUTH_TOKEN)
                            .statusCode());
            assertEquals(
                    1,
                    SmsChannelTest.count(
                            haven,
                            "SELECT count(*) FROM outbox WHERE delivery_status = 'delivered'"));

            String dump = DatabaseDump.dump(haven.database().connectOptions());
            assertTrue(dump.contains(reference), "dump does not look like a dump of this database");
            for (String form : PHONE_FORMS) {
                assertFalse(dump.contains(form), "number in clear in the database: " + form);
                assertFalse(
                        dump.contains(DatabaseDump.hexOf(form)),
                        "number in clear (bytea) in the database: " + form);
            }
            assertFalse(dump.contains(marker), "answer in clear in the database");
            assertFalse(dump.contains(reply), "coordinator's reply in clear in the database");
            List<String> lines = logs.lines();
            assertTrue(
                    lines.stream()
                            .anyMatch(
                                    l ->
                                            l.contains("event=case_queued")
                                                    && l.contains("channel=sms")),
                    "no case_queued");
            for (String line : lines) {
                for (String secret : PHONE_FORMS) {
                    assertFalse(line.contains(secret), "number logged: " + line);
                }
                for (String secret :
                        List.of(marker, "Syria", "Toronto", SmsChannelTest.AUTH_TOKEN)) {
                    assertFalse(line.contains(secret), "logged: " + line);
                }
            }
        }
    }

    /**
     * Verifies that a person texting from a Saskatchewan number (+1 306) who says they are in
     * danger now gets, at once and before writing anything else, the crisis line the shipped
     * directory has for Saskatchewan besides 911 and 988; that a Toronto number (+1 416) gets
     * Ontario's and no Saskatchewan entry; and that neither the number nor the province hint is
     * logged, nor the number in the database.
     */
    @Test
    void testDangerNowFromASaskatchewanNumberGetsItsCrisisLineAtOnce(@TempDir Path dataDir)
            throws Exception {
        String skPhone = "+13065550148";
        String onPhone = "+14165550148";
        List<String> forms =
                List.of(
                        "+13065550148",
                        "13065550148",
                        "3065550148",
                        "306-555-0148",
                        "(306) 555-0148",
                        "%2B13065550148");
        String skLine = "HealthLine 811 (mental health support, day and night)";
        String onLine = "Assaulted Women's Helpline";
        try (LogCapture logs = new LogCapture();
                FakeTwilio twilio = FakeTwilio.start(SmsChannelTest.ACCOUNT_SID);
                Haven haven =
                        TestHaven.start(
                                dataDir, SmsChannelTest.settings(twilio.url(), PUBLIC_URL))) {
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            for (String phone : List.of(skPhone, onPhone)) {
                for (String text : List.of("Hello", "yes", "en", "survivor", "yes")) {
                    String form =
                            TwilioWebhook.smsForm(
                                    SmsChannelTest.ACCOUNT_SID,
                                    TwilioWebhook.newMessageSid(),
                                    phone,
                                    SmsChannelTest.OUR_NUMBER,
                                    text);
                    assertEquals(
                            200,
                            webhook.postSigned(SmsChannel.SMS_PATH, form, SmsChannelTest.AUTH_TOKEN)
                                    .statusCode());
                }
            }
            twilio.await(r -> skPhone.equals(r.to()) && r.body().contains(skLine), 30);
            awaitNoPending(haven);
            String toSk =
                    String.join(
                            "\n",
                            twilio.to(skPhone).stream().map(FakeTwilio.Received::body).toList());
            assertTrue(toSk.contains("911"), toSk);
            assertTrue(toSk.contains("988"), toSk);
            assertTrue(toSk.contains(skLine + " (Saskatchewan): 811"), toSk);
            assertFalse(toSk.contains(onLine), toSk);
            String toOn =
                    String.join(
                            "\n",
                            twilio.to(onPhone).stream().map(FakeTwilio.Received::body).toList());
            assertTrue(toOn.contains("911"), toOn);
            assertTrue(toOn.contains(onLine), toOn);
            assertFalse(toOn.contains(skLine), toOn);
            assertEquals(
                    2,
                    SmsChannelTest.count(haven, "SELECT count(*) FROM cases WHERE priority = 0"),
                    "both urgent cases queued at once");

            String dump = DatabaseDump.dump(haven.database().connectOptions());
            for (String form : forms) {
                assertFalse(dump.contains(form), "number in clear in the database: " + form);
                assertFalse(
                        dump.contains(DatabaseDump.hexOf(form)),
                        "number in clear (bytea) in the database: " + form);
            }
            for (String line : logs.lines()) {
                for (String secret : forms) {
                    assertFalse(line.contains(secret), "number logged: " + line);
                }
                for (String hint : List.of("=SK", "province=", "Saskatchewan")) {
                    assertFalse(line.contains(hint), "province hint logged: " + line);
                }
            }
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static String awaitCase(InboxClient inbox) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String queue = inbox.get("/inbox").body();
            if (queue.matches("(?s).*HV-[A-Z2-9]{6}.*") || System.nanoTime() > end) {
                return queue;
            }
            Thread.sleep(200);
        }
    }

    private static void awaitNoPending(Haven haven) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (SmsChannelTest.count(haven, "SELECT count(*) FROM outbox WHERE status = 'pending'")
                > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("replies still pending");
            }
            Thread.sleep(200);
        }
    }
}
