package org.haven.gateway.channel.whatsapp;

import static org.haven.gateway.channel.whatsapp.WhatsAppIntakeTest.startHaven;
import static org.haven.gateway.channel.whatsapp.WhatsAppIntakeTest.startTwilio;
import static org.haven.gateway.channel.whatsapp.WhatsAppIntakeTest.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.twilio.TwilioMedia;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloading the media of a WhatsApp message from the fake Twilio as its media servers may serve
 * it: stalled mid-body, chunked without a length, or through a redirect to storage; and not at all
 * for a forged webhook.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WhatsAppMediaDownloadTest {
    private static final String KEPT = "Thank you, we kept your file";
    private static final String REFUSED = "Sorry, we could not keep this file";

    /**
     * Verifies that a file whose body stalls after its headers does not keep the webhook from being
     * answered: the answer comes within the media deadline (well before Twilio gives up), the
     * download is abandoned (its connection closed), the person is told politely that the file
     * could not be kept, nothing is held, the file stays on Twilio (not deleted, since it was never
     * had), and the next messages, a voice note among them, are handled as usual.
     */
    @Test
    void testStalledMediaBodyIsAbandonedWithinTheDeadline(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TwilioWebhook webhook = webhook(haven);
            String phone = "whatsapp:+16135550161";
            greet(webhook, twilio, phone);

            long start = System.nanoTime();
            String stalled =
                    sendMedia(
                            webhook,
                            twilio,
                            phone,
                            "audio/ogg",
                            new byte[2000],
                            FakeTwilio.Serving.STALLED);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(
                    took < TwilioMedia.DEADLINE.toMillis() + 3000,
                    "answered after " + took + " ms");
            awaitBody(twilio, phone, REFUSED);
            awaitTrue(
                    () -> twilio.abandonedResponses() >= 1,
                    "the stalled download was not abandoned");
            assertEquals(0, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM held_media"));
            assertEquals(
                    0,
                    WhatsAppIntakeTest.count(
                            haven, "SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
            assertTrue(twilio.holdsMedia(stalled), "a file never had was deleted from Twilio");
            assertTrue(
                    twilio.received().stream().noneMatch(r -> r.method().equals("DELETE")),
                    "Twilio was asked to delete a file Haven did not have");
            assertEquals(
                    List.of("http/1.1"),
                    twilio.downloads().stream().map(FakeTwilio.Received::version).toList(),
                    "not downloaded over HTTP/1.1");

            // the next messages are handled: a voice note kept, as usual
            String voice =
                    sendMedia(
                            webhook,
                            twilio,
                            phone,
                            "audio/ogg",
                            "OggS-voice".getBytes(StandardCharsets.UTF_8),
                            FakeTwilio.Serving.WHOLE);
            awaitBody(twilio, phone, KEPT);
            assertEquals(1, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM held_media"));
            assertFalse(twilio.holdsMedia(voice), "the kept voice note stayed on Twilio");
        }
    }

    /**
     * Verifies that a file sent in chunked encoding, without a Content-Length, is kept within the
     * size limit, and refused politely past it as a file whose length is declared is, its copy
     * deleted from Twilio.
     */
    @Test
    void testChunkedMediaIsCappedLikeADeclaredLength(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TwilioWebhook webhook = webhook(haven);
            String phone = "whatsapp:+16135550162";
            greet(webhook, twilio, phone);

            String big =
                    sendMedia(
                            webhook,
                            twilio,
                            phone,
                            "audio/ogg",
                            new byte[WhatsAppIntakeTest.MAX_MEDIA + 1],
                            FakeTwilio.Serving.CHUNKED);
            awaitBody(twilio, phone, REFUSED);
            awaitGone(twilio, big);
            assertEquals(0, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM held_media"));

            String fit =
                    sendMedia(
                            webhook,
                            twilio,
                            phone,
                            "audio/ogg",
                            new byte[WhatsAppIntakeTest.MAX_MEDIA],
                            FakeTwilio.Serving.CHUNKED);
            awaitBody(twilio, phone, KEPT);
            assertEquals(1, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM held_media"));
            awaitGone(twilio, fit);
        }
    }

    /**
     * Verifies that a webhook listing a media file but signed with another token is refused (403)
     * before anything is downloaded: the fake sees no request for the file, which stays on Twilio.
     */
    @Test
    void testForgedWebhookWithMediaDownloadsNothing(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TwilioWebhook webhook = webhook(haven);
            String sid = WhatsAppIntakeTest.mediaSid();
            String url = twilio.addMedia(sid, "audio/ogg", new byte[10]);
            String forged =
                    WhatsAppIntakeTest.form(sid, "whatsapp:+16135550163", "", url, "audio/ogg");
            HttpResponse<String> r =
                    webhook.postSigned(
                            WhatsAppChannel.MESSAGE_PATH,
                            forged,
                            "x" + WhatsAppIntakeTest.AUTH_TOKEN.substring(1));
            assertEquals(403, r.statusCode());
            assertEquals(
                    403, webhook.post(WhatsAppChannel.MESSAGE_PATH, forged, null).statusCode());
            Thread.sleep(500);
            assertEquals(List.of(), twilio.downloads(), "downloaded for a forged webhook");
            assertTrue(twilio.holdsMedia(url));
            assertEquals(0, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM conversations"));
        }
    }

    /**
     * Verifies that the redirect of Twilio's media URL to its storage is followed as Twilio
     * documents: the account's credentials go to the API's media path only, the storage's signed
     * URL is fetched without them, the file is kept, and its copy is deleted through the API.
     */
    @Test
    void testRedirectToStorageIsFollowedWithoutCredentials(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = startTwilio();
                Haven haven = startHaven(dataDir, twilio)) {
            TwilioWebhook webhook = webhook(haven);
            String phone = "whatsapp:+16135550164";
            greet(webhook, twilio, phone);

            String url =
                    sendMedia(
                            webhook,
                            twilio,
                            phone,
                            "image/jpeg",
                            new byte[] {(byte) 0xFF, (byte) 0xD8, 7, 7},
                            FakeTwilio.Serving.REDIRECTED);
            awaitBody(twilio, phone, KEPT);
            assertEquals(1, WhatsAppIntakeTest.count(haven, "SELECT count(*) FROM held_media"));
            List<FakeTwilio.Received> downloads = twilio.downloads();
            assertEquals(2, downloads.size(), "not one request to the API and one to the storage");
            FakeTwilio.Received api = downloads.get(0);
            assertEquals(302, api.status());
            assertEquals(
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            (WhatsAppIntakeTest.ACCOUNT_SID
                                                            + ":"
                                                            + WhatsAppIntakeTest.AUTH_TOKEN)
                                                    .getBytes(StandardCharsets.UTF_8)),
                    api.authorization(),
                    "the API's media path was asked without the account's credentials");
            FakeTwilio.Received stored = downloads.get(1);
            assertTrue(stored.path().startsWith("/storage/"), stored.path());
            assertEquals(200, stored.status());
            assertNull(stored.authorization(), "the credentials went to the storage");
            awaitGone(twilio, url);
        }
    }

    /** Says hello from {@code phone} and waits for the gateway's first answer. */
    private static void greet(TwilioWebhook webhook, FakeTwilio twilio, String phone)
            throws Exception {
        post(
                webhook,
                WhatsAppIntakeTest.form(TwilioWebhook.newMessageSid(), phone, "Hello", null, null));
        awaitSent(twilio, phone, 1);
    }

    /**
     * Puts {@code bytes} on the fake as a new message's media, served as {@code serving} says, and
     * posts that message from {@code phone}; returns the media's URL.
     */
    private static String sendMedia(
            TwilioWebhook webhook,
            FakeTwilio twilio,
            String phone,
            String type,
            byte[] bytes,
            FakeTwilio.Serving serving)
            throws Exception {
        String sid = WhatsAppIntakeTest.mediaSid();
        String url = twilio.addMedia(sid, type, bytes, serving);
        post(webhook, WhatsAppIntakeTest.form(sid, phone, "", url, type));
        return url;
    }

    private static void post(TwilioWebhook webhook, String form) throws Exception {
        WhatsAppIntakeTest.postAccepted(webhook, form);
    }

    private static void awaitSent(FakeTwilio twilio, String to, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (twilio.to(to).size() < n) {
            assertTrue(System.nanoTime() < end, "only " + twilio.to(to).size() + " of " + n);
            Thread.sleep(50);
        }
    }

    private static void awaitBody(FakeTwilio twilio, String to, String start) throws Exception {
        twilio.await(r -> to.equals(r.to()) && r.body() != null && r.body().startsWith(start), 30);
    }

    private static void awaitGone(FakeTwilio twilio, String url) throws Exception {
        awaitTrue(() -> !twilio.holdsMedia(url), "Twilio's copy was not deleted");
    }

    /** Waits up to ten seconds for {@code condition}, failing with {@code message} after. */
    private static void awaitTrue(BooleanSupplier condition, String message) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, message);
            Thread.sleep(50);
        }
    }
}
