package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.DiskAdversary;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WhatsApp end to end against the fake Twilio API: an intake with a voice note, the case in the
 * inbox with the note playable, replies inside and outside the 24-hour window, refused media and a
 * forged webhook.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WhatsAppIntakeTest {
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    static final String TEMPLATE = "HX0123456789abcdef0123456789abcdef";
    static final String OUR_NUMBER = "whatsapp:+15145550100";
    static final String PHONE = "whatsapp:+16135550147";
    // plain http: the inbox's cookies are Secure under https and the test client talks plain http
    static final String PUBLIC_URL = "http://haven.example.org";
    static final int MAX_MEDIA = 4096;

    static Map<String, String> settings(String apiUrl) {
        return Map.of(
                "HAVEN_PUBLIC_URL", PUBLIC_URL,
                "HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN,
                "HAVEN_TWILIO_API_URL", apiUrl,
                "HAVEN_WHATSAPP_FROM", OUR_NUMBER,
                "HAVEN_WHATSAPP_REPLY_TEMPLATE_SID", TEMPLATE,
                "HAVEN_WHATSAPP_MEDIA_MAX_BYTES", String.valueOf(MAX_MEDIA),
                "HAVEN_WHATSAPP_MAX_PER_SECOND", "20");
    }

    /** An inbound WhatsApp message as Twilio posts it, with one media file when {@code url}. */
    static String form(String messageSid, String from, String body, String url, String type) {
        StringBuilder f =
                new StringBuilder("SmsMessageSid=")
                        .append(messageSid)
                        .append("&NumMedia=")
                        .append(url == null ? "0" : "1")
                        .append("&ProfileName=Someone&SmsSid=")
                        .append(messageSid)
                        .append("&WaId=")
                        .append(from.replaceAll("[^0-9]", ""))
                        .append("&SmsStatus=received&Body=")
                        .append(TwilioWebhook.enc(body))
                        .append("&To=")
                        .append(TwilioWebhook.enc(OUR_NUMBER))
                        .append("&NumSegments=1&MessageSid=")
                        .append(messageSid)
                        .append("&AccountSid=")
                        .append(ACCOUNT_SID)
                        .append("&From=")
                        .append(TwilioWebhook.enc(from))
                        .append("&ApiVersion=2010-04-01");
        if (url != null) {
            f.append("&MediaContentType0=")
                    .append(TwilioWebhook.enc(type))
                    .append("&MediaUrl0=")
                    .append(TwilioWebhook.enc(url));
        }
        return f.toString();
    }

    static String mediaSid() {
        return "MM" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Verifies that an intake over WhatsApp with a voice note in the middle becomes a queued case
     * whose voice note a coordinator plays in the inbox (served with safe headers), that the note
     * was deleted from Twilio and is nowhere in clear in the database dump or the data directory,
     * that the question was asked again after it, and that a coordinator's reply goes out as
     * written inside the 24-hour window and, outside it, as the template first and as written once
     * the person answers.
     */
    @Test
    void testIntakeWithVoiceNoteAndRepliesAroundTheWindow(@TempDir Path dataDir) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        String voiceMarker = "VOICE-" + UUID.randomUUID();
        byte[] voice = ("OggS\0\0" + voiceMarker + "-opus-frames").getBytes(StandardCharsets.UTF_8);
        try (LogCapture logs = new LogCapture();
                FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = webhook(haven);

            List<String> texts = new ArrayList<>();
            texts.add("Hello");
            texts.addAll(IntakeDriver.survivorAnswers(marker));
            String voiceUrl = null;
            for (int i = 0; i < texts.size(); i++) {
                if (i == 8) {
                    // at the country question: a voice note instead of an answer
                    String sid = mediaSid();
                    voiceUrl = twilio.addMedia(sid, "audio/ogg", voice);
                    awaitNoPending(haven);
                    int before = twilio.to(PHONE).size();
                    post(webhook, form(sid, PHONE, "", voiceUrl, "audio/ogg; codecs=opus"));
                    awaitReplies(twilio, before + 2);
                    awaitNoPending(haven);
                    List<FakeTwilio.Received> answer = twilio.to(PHONE);
                    assertEquals(
                            before + 2,
                            answer.size(),
                            "not a notice and the question: "
                                    + answer.subList(before - 1, answer.size()).stream()
                                            .map(FakeTwilio.Received::body)
                                            .toList());
                    String kept = answer.get(before).body();
                    assertTrue(kept.startsWith("Thank you, we kept your file"), kept);
                    String again = answer.get(before + 1).body();
                    assertTrue(
                            again.equals(answer.get(before - 1).body()),
                            "the question was not asked again: " + again);
                }
                post(webhook, form(TwilioWebhook.newMessageSid(), PHONE, texts.get(i), null, null));
            }
            assertFalse(twilio.holdsMedia(voiceUrl), "Twilio's copy was not deleted");
            assertTrue(
                    twilio.received().stream()
                            .anyMatch(r -> r.method().equals("DELETE") && r.status() == 204),
                    "no DELETE of the media");

            InboxClient inbox = TestHaven.loggedIn(haven);
            String queue = awaitCase(inbox);
            String reference = IntakeDriver.onlyCaseReference(queue);
            Matcher link = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue);
            assertTrue(link.find(), "no case link in the queue");
            String path = link.group(1);
            String casePage = inbox.get(path).body();
            assertTrue(casePage.contains(marker), "free-text answer not shown decrypted");
            Matcher audio = Pattern.compile("<audio [^>]*src=\"([^\"]+)\"").matcher(casePage);
            assertTrue(audio.find(), "no player for the voice note");
            HttpResponse<byte[]> played =
                    inbox.http()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + haven.port()
                                                                    + audio.group(1)))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, played.statusCode());
            assertArrayEquals(voice, played.body());
            assertEquals("audio/ogg", played.headers().firstValue("Content-Type").orElse(""));
            assertEquals(
                    "nosniff", played.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("no-store", played.headers().firstValue("Cache-Control").orElse(""));
            assertTrue(
                    played.headers()
                            .firstValue("Content-Disposition")
                            .orElse("")
                            .startsWith("inline; filename=\"" + reference),
                    "no Content-Disposition");
            // someone without a session gets nothing
            HttpResponse<byte[]> anonymous =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + haven.port()
                                                                    + audio.group(1)))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
            assertFalse(anonymous.statusCode() == 200, "served without a session");
            assertFalse(new String(anonymous.body(), StandardCharsets.UTF_8).contains(voiceMarker));

            // inside the window: as written
            assertTrue(casePage.contains("id=\"reply-window\""), "no window line on the page");
            assertTrue(casePage.contains("as written until"), "window not said to be open");
            assertEquals(302, inbox.postWithCsrf(casePage, path + "/claim").statusCode());
            String reply = "We will call you tomorrow " + UUID.randomUUID();
            reply(inbox, path, reply);
            twilio.await(
                    r -> PHONE.equals(r.to()) && ("Coordinator: " + reply).equals(r.body()), 30);

            // outside the window: the template, and the reply once the person answers
            DatabaseDump.execute(
                    haven.database().connectOptions(),
                    "UPDATE reply_windows SET last_inbound_at = now() - interval '25 hours'");
            assertTrue(inbox.get(path).body().contains("more than 24 hours"), "window not closed");
            String late = "Are you still there? " + UUID.randomUUID();
            reply(inbox, path, late);
            FakeTwilio.Received template =
                    twilio.await(
                            r ->
                                    PHONE.equals(r.to())
                                            && TEMPLATE.equals(r.params().get("ContentSid")),
                            30);
            assertNull(template.body(), "the template carried a body");
            long held = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!inbox.get(path).body().contains("Held: more than 24 hours")) {
                assertTrue(System.nanoTime() < held, "the case page does not show the reply held");
                Thread.sleep(200);
            }
            Thread.sleep(1500);
            assertTrue(
                    twilio.to(PHONE).stream()
                            .noneMatch(r -> r.body() != null && r.body().contains(late)),
                    "the reply went out outside the window");
            assertEquals(
                    1,
                    twilio.to(PHONE).stream()
                            .filter(r -> TEMPLATE.equals(r.params().get("ContentSid")))
                            .count(),
                    "the template went out more than once");
            post(webhook, form(TwilioWebhook.newMessageSid(), PHONE, "yes I am here", null, null));
            twilio.await(
                    r -> PHONE.equals(r.to()) && ("Coordinator: " + late).equals(r.body()), 30);

            // nothing of the voice note in clear, in the database or anywhere in the data directory
            String dump = DatabaseDump.dump(haven.database().connectOptions());
            assertTrue(dump.contains(reference), "dump does not look like a dump of this database");
            assertFalse(dump.contains(voiceMarker), "voice note in clear in the database");
            assertFalse(
                    dump.contains(DatabaseDump.hexOf(voiceMarker)),
                    "voice note in clear (bytea) in the database");
            assertFalse(dump.contains(PHONE.substring("whatsapp:".length())), "number in clear");
            List<String> onDisk =
                    new DiskAdversary().addTree(dataDir).inClear(List.of(voiceMarker, marker));
            assertTrue(onDisk.isEmpty(), "in clear on disk: " + onDisk);
            for (String line : logs.lines()) {
                for (String secret :
                        List.of(marker, voiceMarker, "6135550147", AUTH_TOKEN, reply)) {
                    assertFalse(line.contains(secret), "logged: " + line);
                }
            }
        }
    }

    /**
     * Verifies that a file of a type not taken, and one over the size limit, are refused politely,
     * kept nowhere, and deleted from Twilio; and that a webhook with a bad signature is refused 403
     * and stores nothing.
     */
    @Test
    void testRefusedMediaAndForgedWebhook(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TwilioWebhook webhook = webhook(haven);
            String phone = "whatsapp:+16135550148";
            post(webhook, form(TwilioWebhook.newMessageSid(), phone, "Hello", null, null));
            awaitReplies(twilio, phone, 1);

            String videoSid = mediaSid();
            String video = twilio.addMedia(videoSid, "video/mp4", new byte[100]);
            post(webhook, form(videoSid, phone, "", video, "video/mp4"));
            String bigSid = mediaSid();
            String big = twilio.addMedia(bigSid, "audio/ogg", new byte[MAX_MEDIA + 1]);
            post(webhook, form(bigSid, phone, "", big, "audio/ogg"));
            List<FakeTwilio.Received> sent = awaitReplies(twilio, phone, 5);
            assertEquals(
                    2,
                    sent.stream()
                            .filter(
                                    r ->
                                            r.body() != null
                                                    && r.body()
                                                            .startsWith(
                                                                    "Sorry, we could not keep this file"))
                            .count(),
                    "not refused politely twice");
            assertFalse(twilio.holdsMedia(video), "refused video not deleted from Twilio");
            assertFalse(twilio.holdsMedia(big), "refused oversize file not deleted from Twilio");
            assertEquals(0, count(haven, "SELECT count(*) FROM held_media"));
            assertEquals(
                    0, count(haven, "SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));

            long conversations = count(haven, "SELECT count(*) FROM conversations");
            long outbox = count(haven, "SELECT count(*) FROM outbox");
            String forged =
                    form(
                            TwilioWebhook.newMessageSid(),
                            "whatsapp:+16135550149",
                            "Hello",
                            null,
                            null);
            HttpResponse<String> r =
                    webhook.post(
                            WhatsAppChannel.MESSAGE_PATH,
                            forged,
                            TwilioWebhook.sign(
                                    "x" + AUTH_TOKEN,
                                    PUBLIC_URL + WhatsAppChannel.MESSAGE_PATH,
                                    forged));
            assertEquals(403, r.statusCode());
            assertEquals(
                    403, webhook.post(WhatsAppChannel.MESSAGE_PATH, forged, null).statusCode());
            assertEquals(conversations, count(haven, "SELECT count(*) FROM conversations"));
            assertEquals(outbox, count(haven, "SELECT count(*) FROM outbox"));
        }
    }

    /**
     * Verifies that a file sent while the database is away is not lost: the message is spooled and
     * acknowledged (200), and the file stays on Twilio (no DELETE), since the spool keeps text, not
     * files; once the database is back, the spooled message reaches the dialogue.
     */
    @Test
    void testMediaDuringDatabaseOutageStaysOnTwilio(@TempDir Path dataDir) throws Exception {
        String url = TestPostgres.newDatabase();
        Map<String, String> withDatabase = new HashMap<>(settings("unused"));
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID).requireToken(AUTH_TOKEN)) {
            withDatabase.put("HAVEN_TWILIO_API_URL", twilio.url());
            withDatabase.put("HAVEN_DB_URL", url);
            try (Haven haven = TestHaven.start(dataDir, withDatabase)) {
                TwilioWebhook webhook = webhook(haven);
                String phone = "whatsapp:+16135550150";
                post(webhook, form(TwilioWebhook.newMessageSid(), phone, "Hello", null, null));
                awaitReplies(twilio, phone, 1);

                TestPostgres.away(url, true);
                String sid = mediaSid();
                String photo =
                        twilio.addMedia(
                                sid, "image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, 1});
                post(webhook, form(sid, phone, "", photo, "image/jpeg"));
                Thread.sleep(500);
                assertTrue(twilio.holdsMedia(photo), "a file sent during the outage was deleted");
                assertFalse(
                        twilio.received().stream().anyMatch(r -> r.method().equals("DELETE")),
                        "Twilio was asked to delete a file Haven did not keep");

                TestPostgres.away(url, false);
                awaitReplies(twilio, phone, 2);
                assertTrue(twilio.holdsMedia(photo), "the file went once the spool was replayed");
            }
        }
    }

    /** A fake Twilio for the test account, serving media only to its auth token. */
    static FakeTwilio startTwilio() throws Exception {
        return FakeTwilio.start(ACCOUNT_SID).requireToken(AUTH_TOKEN);
    }

    /**
     * A gateway with its data in {@code dataDir}, whose WhatsApp channel talks to {@code twilio}.
     */
    static Haven startHaven(Path dataDir, FakeTwilio twilio) throws Exception {
        return TestHaven.start(dataDir, settings(twilio.url()));
    }

    /** Twilio's side of {@code haven}'s webhooks, at the public URL they are signed for. */
    static TwilioWebhook webhook(Haven haven) {
        return new TwilioWebhook(haven.port(), PUBLIC_URL);
    }

    /** Posts {@code form} to the WhatsApp webhook signed with the token; asserts it is taken. */
    static void postAccepted(TwilioWebhook webhook, String form) throws Exception {
        HttpResponse<String> r = webhook.postSigned(WhatsAppChannel.MESSAGE_PATH, form, AUTH_TOKEN);
        assertEquals(200, r.statusCode(), "webhook refused");
    }

    private static void post(TwilioWebhook webhook, String form) throws Exception {
        HttpResponse<String> r = webhook.postSigned(WhatsAppChannel.MESSAGE_PATH, form, AUTH_TOKEN);
        assertEquals(200, r.statusCode(), "webhook refused");
        assertTrue(r.body().contains("<Response></Response>"), r.body());
    }

    private static void reply(InboxClient inbox, String path, String text) throws Exception {
        HttpResponse<String> replied =
                inbox.postWithCsrf(
                        inbox.get(path).body(), path + "/reply", "text", text, "canned", "");
        assertTrue(
                replied.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"),
                "reply not accepted: " + replied.headers().firstValue("Location").orElse(""));
    }

    private static List<FakeTwilio.Received> awaitReplies(FakeTwilio twilio, int n)
            throws Exception {
        return awaitReplies(twilio, PHONE, n);
    }

    private static List<FakeTwilio.Received> awaitReplies(FakeTwilio twilio, String to, int n)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (twilio.to(to).size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + twilio.to(to).size() + " of " + n + " replies");
            }
            Thread.sleep(50);
        }
        return twilio.to(to);
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
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(haven, "SELECT count(*) FROM outbox WHERE status = 'pending'") > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("replies still pending");
            }
            Thread.sleep(100);
        }
    }

    static long count(Haven haven, String sql) throws Exception {
        return Long.parseLong(
                DatabaseDump.query(haven.database().connectOptions(), sql).get(0).get(0));
    }
}
