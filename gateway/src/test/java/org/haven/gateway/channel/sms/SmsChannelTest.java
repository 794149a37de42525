package org.haven.gateway.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.haven.bot.Option;
import org.haven.bot.Reply;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The SMS channel's webhooks and sender, against a real server, a real PostgreSQL and a fake
 * Twilio.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SmsChannelTest {
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUBLIC_URL = "https://haven.example.org";
    static final String OUR_NUMBER = "+15145550100";
    private static final AtomicInteger NUMBERS = new AtomicInteger(100);

    @TempDir static Path dataDir;
    private static FakeTwilio twilio;
    private static Haven haven;
    private static TwilioWebhook webhook;

    @BeforeAll
    static void start() throws Exception {
        twilio = FakeTwilio.start(ACCOUNT_SID);
        haven = TestHaven.start(dataDir, settings(twilio.url()));
        webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
        twilio.close();
    }

    static Map<String, String> settings(String apiUrl) {
        return settings(apiUrl, PUBLIC_URL + "/");
    }

    static Map<String, String> settings(String apiUrl, String publicUrl) {
        return Map.of(
                "HAVEN_PUBLIC_URL",
                publicUrl,
                "HAVEN_TWILIO_ACCOUNT_SID",
                ACCOUNT_SID,
                "HAVEN_TWILIO_AUTH_TOKEN",
                AUTH_TOKEN,
                "HAVEN_TWILIO_FROM",
                OUR_NUMBER,
                "HAVEN_TWILIO_API_URL",
                apiUrl,
                "HAVEN_TWILIO_MAX_PER_SECOND",
                "20");
    }

    /** How a table case signs its request. */
    enum Signing {
        VALID,
        WRONG_TOKEN,
        OTHER_URL,
        NONE
    }

    static Stream<Arguments> webhooks() {
        return Stream.of(
                // label, fixture, signing, times sent, expected status, stored, text the reply must
                // contain
                Arguments.of("valid", "valid", Signing.VALID, 1, 200, true, ""),
                Arguments.of("Arabic and emoji", "unicode", Signing.VALID, 1, 200, true, ""),
                Arguments.of("bad signature", "valid", Signing.WRONG_TOKEN, 1, 403, false, null),
                Arguments.of(
                        "signed for another URL", "valid", Signing.OTHER_URL, 1, 403, false, null),
                Arguments.of("missing signature", "valid", Signing.NONE, 1, 403, false, null),
                Arguments.of("missing From", "missing_from", Signing.VALID, 1, 400, false, null),
                Arguments.of(
                        "missing MessageSid",
                        "missing_message_sid",
                        Signing.VALID,
                        1,
                        400,
                        false,
                        null),
                Arguments.of("duplicate MessageSid", "valid", Signing.VALID, 3, 200, true, ""),
                Arguments.of("1 MB body", "@huge", Signing.VALID, 1, 413, false, null),
                Arguments.of("invalid UTF-8", "invalid_utf8", Signing.VALID, 1, 400, false, null),
                Arguments.of("media", "media", Signing.VALID, 1, 200, true, "in words"));
    }

    /**
     * Verifies that each webhook request gets its status, that only a validly signed, complete
     * message is stored (once, however often it is posted), and that its reply reaches Twilio.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("webhooks")
    void testSmsWebhook(
            String label,
            String fixture,
            Signing signing,
            int times,
            int status,
            boolean stored,
            String reply)
            throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        String body =
                "@huge".equals(fixture)
                        ? fixture("valid", from) + "&Pad=" + "a".repeat(1024 * 1024)
                        : fixture(fixture, from);
        String signature =
                switch (signing) {
                    case VALID ->
                            TwilioWebhook.sign(AUTH_TOKEN, PUBLIC_URL + SmsChannel.SMS_PATH, body);
                    case WRONG_TOKEN ->
                            TwilioWebhook.sign(
                                    "fedcba9876543210fedcba9876543210",
                                    PUBLIC_URL + SmsChannel.SMS_PATH,
                                    body);
                    case OTHER_URL ->
                            TwilioWebhook.sign(
                                    AUTH_TOKEN,
                                    "https://attacker.example.net" + SmsChannel.SMS_PATH,
                                    body);
                    case NONE -> null;
                };
        long seenBefore = count("SELECT count(*) FROM inbound_seen");
        long outboxBefore = count("SELECT count(*) FROM outbox");
        for (int i = 0; i < times; i++) {
            HttpResponse<String> r = webhook.post(SmsChannel.SMS_PATH, body, signature);
            assertEquals(status, r.statusCode(), label + " (post " + (i + 1) + ")");
            if (status == 200) {
                assertTrue(
                        r.body().contains("<Response></Response>"),
                        "not an empty TwiML answer: " + r.body());
                assertTrue(
                        r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
            }
        }
        assertEquals(
                seenBefore + (stored ? 1 : 0),
                count("SELECT count(*) FROM inbound_seen"),
                label + ": messages stored");
        if (!stored) {
            assertEquals(
                    outboxBefore, count("SELECT count(*) FROM outbox"), label + ": replies queued");
            // replies go out only through the outbox: once nothing is pending, whatever was queued
            // has been sent
            waitForNoPending();
            assertTrue(twilio.to(from).isEmpty(), label + ": something was sent");
        } else {
            FakeTwilio.Received sent =
                    twilio.await(
                            r ->
                                    from.equals(r.to())
                                            && r.status() == 201
                                            && r.body().contains(reply),
                            20);
            assertNotNull(sent.sid());
        }
        assertTrue(
                twilio.received().stream().allMatch(r -> r.method().equals("POST")),
                "Haven fetched something (media?)");
    }

    /**
     * Verifies that a webhook sent without a Content-Length (chunked) is read and answered like any
     * other, and that one past the size limit is refused 413 and stores nothing.
     */
    @Test
    void testChunkedWebhookIsReadWithinTheLimit() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        long seenBefore = count("SELECT count(*) FROM inbound_seen");
        assertEquals(
                200,
                webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN, true)
                        .statusCode());
        assertEquals(seenBefore + 1, count("SELECT count(*) FROM inbound_seen"));
        twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);

        String other = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        String huge = fixture("valid", other) + "&Pad=" + "a".repeat(1024 * 1024);
        int status;
        try {
            status = webhook.postSigned(SmsChannel.SMS_PATH, huge, AUTH_TOKEN, true).statusCode();
        } catch (IOException closedWhileSending) {
            status = 413; // the gateway answered and closed before the client had sent everything
        }
        assertEquals(413, status);
        assertEquals(
                seenBefore + 1,
                count("SELECT count(*) FROM inbound_seen"),
                "the oversized message was stored");
    }

    /** Verifies that a duplicate MessageSid gets no second set of replies. */
    @Test
    void testDuplicateMessageSidIsRepliedToOnce() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        String body = fixture("valid", from);
        assertEquals(200, webhook.postSigned(SmsChannel.SMS_PATH, body, AUTH_TOKEN).statusCode());
        twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        waitForNoPending();
        int first = twilio.to(from).size();
        long queued = count("SELECT count(*) FROM outbox");
        // the answer to a webhook comes after its step committed, replies included
        assertEquals(200, webhook.postSigned(SmsChannel.SMS_PATH, body, AUTH_TOKEN).statusCode());
        assertEquals(
                queued,
                count("SELECT count(*) FROM outbox"),
                "the repeated message queued replies");
        waitForNoPending();
        assertEquals(first, twilio.to(from).size(), "the repeated message was answered again");
    }

    /**
     * Verifies that a send answered 500 is retried by the outbox and the message is delivered
     * exactly once.
     */
    @Test
    void testSendIsRetriedAfterServerErrorAndDeliveredOnce() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        twilio.failNext(from, new int[] {500, 20500});
        assertEquals(
                200,
                webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN)
                        .statusCode());
        twilio.await(r -> from.equals(r.to()) && r.status() == 201, 30);
        waitForNoPending();
        List<FakeTwilio.Received> requests = twilio.to(from);
        assertEquals(500, requests.get(0).status(), "the first try was not the failing one");
        List<FakeTwilio.Received> accepted =
                requests.stream().filter(r -> r.status() == 201).toList();
        assertEquals(requests.size() - 1, accepted.size(), "more than one failure");
        assertEquals(
                requests.get(0).body(), accepted.get(0).body(), "the retry sent another message");
        assertEquals(
                accepted.size(),
                accepted.stream().map(FakeTwilio.Received::body).distinct().count(),
                "a message was delivered twice");
        assertEquals(
                1, count("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 2"));
    }

    /**
     * Verifies that a 21610 answer (the person texted STOP to Twilio) stops the conversation and
     * nothing is retried.
     */
    @Test
    void testSendToUnsubscribedNumberStopsConversation() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        long stoppedBefore =
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        for (int i = 0; i < 10; i++) {
            twilio.failNext(from, new int[] {400, 21610});
        }
        assertEquals(
                200,
                webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN)
                        .statusCode());
        twilio.await(r -> from.equals(r.to()), 20);
        waitForNoPending();
        assertEquals(
                stoppedBefore + 1,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        assertTrue(
                twilio.to(from).stream().noneMatch(r -> r.status() == 201),
                "sent to a number that opted out");
        assertTrue(
                count(
                                "SELECT count(*) FROM outbox WHERE error_code = 'twilio_21610' AND attempts = 1")
                        >= 1);
    }

    /**
     * Verifies that STOP by SMS stops the conversation (its confirmation still goes out) and START
     * resumes it.
     */
    @Test
    void testStopAndStartKeywordsStopAndResumeConversation() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        assertEquals(
                200,
                webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN)
                        .statusCode());
        twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        waitForNoPending();
        long stoppedBefore =
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        int sentBefore = twilio.to(from).size();
        String stop =
                TwilioWebhook.smsForm(
                        ACCOUNT_SID, TwilioWebhook.newMessageSid(), from, OUR_NUMBER, "STOP");
        assertEquals(200, webhook.postSigned(SmsChannel.SMS_PATH, stop, AUTH_TOKEN).statusCode());
        assertEquals(
                stoppedBefore + 1,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        waitForNoPending();
        assertEquals(
                sentBefore + 1,
                twilio.to(from).size(),
                "STOP is confirmed once, and nothing more is sent");
        String start =
                TwilioWebhook.smsForm(
                        ACCOUNT_SID, TwilioWebhook.newMessageSid(), from, OUR_NUMBER, "START");
        assertEquals(200, webhook.postSigned(SmsChannel.SMS_PATH, start, AUTH_TOKEN).statusCode());
        assertEquals(
                stoppedBefore,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        twilio.await(r -> from.equals(r.to()) && twilio.to(from).indexOf(r) > sentBefore, 20);
    }

    /**
     * Verifies that a first message Twilio marks as an opt-out ({@code OptOutType=STOP}, here a
     * word the intake script does not know) opts the number out at once: no question is sent, only
     * the confirmation, and the conversation is stopped.
     */
    @Test
    void testTwilioOptOutTypeStopsConversationFromFirstMessage() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        long stoppedBefore =
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        String stop =
                TwilioWebhook.smsForm(
                                ACCOUNT_SID,
                                TwilioWebhook.newMessageSid(),
                                from,
                                OUR_NUMBER,
                                "STOPP")
                        + "&OptOutType=STOP";
        assertEquals(200, webhook.postSigned(SmsChannel.SMS_PATH, stop, AUTH_TOKEN).statusCode());
        assertEquals(
                stoppedBefore + 1,
                count("SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        waitForNoPending();
        List<FakeTwilio.Received> sent = twilio.to(from);
        assertEquals(1, sent.size(), "only the confirmation: " + sent.size());
        assertTrue(sent.get(0).body().contains("no more messages"), "not the opt-out confirmation");
    }

    /** Verifies that only Twilio's three OptOutType values are read as keywords. */
    @Test
    void testOptOutTypeNamesOnlyTwilioKeywords() {
        assertEquals(Optional.of("STOP"), SmsChannel.optOutKeyword("stop"));
        assertEquals(Optional.of("HELP"), SmsChannel.optOutKeyword("HELP"));
        assertEquals(Optional.empty(), SmsChannel.optOutKeyword("DELETE"));
        assertEquals(Optional.empty(), SmsChannel.optOutKeyword(null));
    }

    /**
     * Verifies that DELETE by SMS erases the conversation and that its confirmation goes back in
     * the TwiML answer to that very webhook (nothing is left in the outbox to queue it to), not
     * through the API; a retry of the same webhook is answered empty and erases nothing more.
     */
    @Test
    void testDeleteIsConfirmedInTwimlAnswer() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        assertEquals(
                200,
                webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN)
                        .statusCode());
        twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        waitForNoPending();
        long conversations = count("SELECT count(*) FROM conversations");
        int sentBefore = twilio.to(from).size();

        String delete =
                TwilioWebhook.smsForm(
                        ACCOUNT_SID, TwilioWebhook.newMessageSid(), from, OUR_NUMBER, "DELETE");
        HttpResponse<String> r = webhook.postSigned(SmsChannel.SMS_PATH, delete, AUTH_TOKEN);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        List<String> messages = twimlMessages(r.body());
        assertEquals(1, messages.size(), r.body());
        assertTrue(messages.get(0).startsWith("We are deleting what you sent."), messages.get(0));
        assertEquals(
                conversations - 1,
                count("SELECT count(*) FROM conversations"),
                "conversation not erased");

        HttpResponse<String> retried = webhook.postSigned(SmsChannel.SMS_PATH, delete, AUTH_TOKEN);
        assertEquals(200, retried.statusCode());
        assertEquals(
                List.of(), twimlMessages(retried.body()), "a retried DELETE was confirmed again");
        assertEquals(conversations - 1, count("SELECT count(*) FROM conversations"));
        waitForNoPending();
        assertEquals(
                sentBefore, twilio.to(from).size(), "the confirmation also went through the API");
    }

    /**
     * Verifies that a TwiML answer escapes what XML would read as markup, drops what XML cannot
     * carry, keeps other scripts as they are, and numbers a reply's options as an SMS does.
     */
    @Test
    void testTwimlAnswerIsWellFormedForAnyText() throws Exception {
        Reply odd = new Reply("a & b <c> \"d\" 'e'\u0001 ]]>", List.of(), "en", false);
        Reply arabic =
                new Reply("نحذف ما أرسلته", List.of(new Option("start", "START")), "ar", true);
        String twiml = SmsChannel.twiml(List.of(odd, arabic));
        assertTrue(
                twiml.contains(
                        "<Message>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; ]]&gt;</Message>"),
                twiml);
        List<String> messages = twimlMessages(twiml);
        assertEquals(
                List.of("a & b <c> \"d\" 'e' ]]>", String.join("\n", SmsSender.bodies(arabic))),
                messages);
        assertTrue(messages.get(1).contains("1) "), "options not numbered: " + messages.get(1));
        assertEquals(List.of(), twimlMessages(SmsChannel.twiml(List.of())));
    }

    /**
     * The text of each {@code <Message>} of a TwiML document (parsed, so it must be well-formed).
     */
    private static List<String> twimlMessages(String twiml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc =
                f.newDocumentBuilder()
                        .parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("Response", doc.getDocumentElement().getTagName());
        NodeList nodes = doc.getDocumentElement().getElementsByTagName("Message");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    /** Verifies that a signed delivery report is recorded on the message Twilio accepted. */
    @Test
    void testStatusCallbackRecordsDeliveryStatus() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN);
        FakeTwilio.Received sent = twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        assertEquals(PUBLIC_URL + SmsChannel.STATUS_PATH, sent.params().get("StatusCallback"));
        waitFor("SELECT count(*) FROM outbox WHERE provider_id = '" + sent.sid() + "'", 1);
        String report = TwilioWebhook.statusForm(ACCOUNT_SID, sent.sid(), "delivered", from);
        assertEquals(
                204, webhook.postSigned(SmsChannel.STATUS_PATH, report, AUTH_TOKEN).statusCode());
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM outbox WHERE provider_id = '"
                                + sent.sid()
                                + "' AND delivery_status = 'delivered'"));
    }

    /**
     * Verifies that a delivery report with a bad signature or an unknown status changes nothing.
     */
    @Test
    void testStatusCallbackFailsForInvalidSignature() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN);
        FakeTwilio.Received sent = twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        waitFor("SELECT count(*) FROM outbox WHERE provider_id = '" + sent.sid() + "'", 1);
        String report = TwilioWebhook.statusForm(ACCOUNT_SID, sent.sid(), "failed", from);
        assertEquals(
                403,
                webhook.postSigned(
                                SmsChannel.STATUS_PATH, report, "fedcba9876543210fedcba9876543210")
                        .statusCode());
        assertEquals(403, webhook.post(SmsChannel.STATUS_PATH, report, null).statusCode());
        String odd = TwilioWebhook.statusForm(ACCOUNT_SID, sent.sid(), "exploded", from);
        assertEquals(400, webhook.postSigned(SmsChannel.STATUS_PATH, odd, AUTH_TOKEN).statusCode());
        assertEquals(
                0,
                count(
                        "SELECT count(*) FROM outbox WHERE provider_id = '"
                                + sent.sid()
                                + "' AND delivery_status IS NOT NULL"));
    }

    /**
     * Verifies that what the SDK sent is Twilio's wire format: the account's path, Basic auth, and
     * the message parameters.
     */
    @Test
    void testSendUsesTwilioWireFormat() throws Exception {
        String from = "+1438555" + String.format("%04d", NUMBERS.incrementAndGet());
        webhook.postSigned(SmsChannel.SMS_PATH, fixture("valid", from), AUTH_TOKEN);
        FakeTwilio.Received sent = twilio.await(r -> from.equals(r.to()) && r.status() == 201, 20);
        assertEquals("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json", sent.path());
        String basic =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (ACCOUNT_SID + ":" + AUTH_TOKEN)
                                                .getBytes(StandardCharsets.UTF_8));
        assertEquals(basic, sent.authorization());
        assertEquals(OUR_NUMBER, sent.params().get("From"));
        assertEquals("3600", sent.params().get("ValidityPeriod"));
        assertFalse(sent.body().isBlank());
    }

    static String fixture(String name, String from) throws Exception {
        try (InputStream in =
                SmsChannelTest.class.getResourceAsStream("/payload/twilio.sms." + name + ".txt")) {
            assertNotNull(in, "fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .strip()
                    .replace("{{MessageSid}}", TwilioWebhook.newMessageSid())
                    .replace("{{AccountSid}}", ACCOUNT_SID)
                    .replace("{{From}}", TwilioWebhook.enc(from));
        }
    }

    private static void waitForNoPending() throws Exception {
        waitFor("SELECT count(*) FROM outbox WHERE status = 'pending'", 0);
    }

    private static void waitFor(String sql, long expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        while (System.nanoTime() < end) {
            last = count(sql);
            if (last == expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("waited 30 s for " + sql + " = " + expected + ", still " + last);
    }

    static long count(String sql) throws Exception {
        return count(haven, sql);
    }

    static long count(Haven haven, String sql) throws Exception {
        var o = haven.database().connectOptions();
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                PreparedStatement st = c.prepareStatement(sql);
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
