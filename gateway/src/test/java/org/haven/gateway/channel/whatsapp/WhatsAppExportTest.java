package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.Gpg;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LawyerExport;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A WhatsApp case with a voice note, exported for a lawyer and opened with the real gpg. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WhatsAppExportTest {
    private static final Pattern BLOCK =
            Pattern.compile(
                    "(?s)\\n(audio/ogg), ([0-9]+) bytes, sha256 ([0-9a-f]{64})\\n"
                            + "-----BEGIN ATTACHMENT ([0-9]+)-----\\n(.*?)\\n"
                            + "-----END ATTACHMENT \\4-----\\n");

    /**
     * Verifies that the export of a case holds its voice note: one attachment block giving its
     * content type, size and SHA-256, whose base64 decodes to the very bytes the person sent.
     */
    @Test
    void testExportHoldsTheVoiceNote(@TempDir Path dataDir, @TempDir Path gpgDir) throws Exception {
        Assumptions.assumeTrue(Gpg.find() != null, "gpg is not installed");
        byte[] voice =
                ("OggS\0\0voice-" + UUID.randomUUID() + "-opus").getBytes(StandardCharsets.UTF_8);
        try (FakeTwilio twilio = WhatsAppIntakeTest.startTwilio();
                Haven haven = WhatsAppIntakeTest.startHaven(dataDir, twilio)) {
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = WhatsAppIntakeTest.webhook(haven);
            String phone = "whatsapp:+16135550165";
            String marker = "export-" + UUID.randomUUID();
            post(
                    webhook,
                    WhatsAppIntakeTest.form(
                            TwilioWebhook.newMessageSid(), phone, "Hello", null, null));
            for (String text : IntakeDriver.survivorAnswers(marker)) {
                post(
                        webhook,
                        WhatsAppIntakeTest.form(
                                TwilioWebhook.newMessageSid(), phone, text, null, null));
            }
            String sid = WhatsAppIntakeTest.mediaSid();
            String url = twilio.addMedia(sid, "audio/ogg", voice);
            post(webhook, WhatsAppIntakeTest.form(sid, phone, "", url, "audio/ogg; codecs=opus"));

            InboxClient inbox = TestHaven.loggedIn(haven);
            String path = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Matcher m =
                        Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                                .matcher(inbox.get("/inbox").body());
                if (m.find()) {
                    path = m.group(1);
                    if (inbox.get(path).body().contains("<audio ")) {
                        break;
                    }
                }
                assertTrue(System.nanoTime() < end, "no case with the voice note");
                Thread.sleep(200);
            }

            String key = LawyerExport.fixture("lawyer-public.asc");
            HttpResponse<String> review = LawyerExport.review(inbox, path, key);
            assertEquals(200, review.statusCode(), review.body());
            HttpResponse<String> download =
                    LawyerExport.confirm(
                            inbox, review.body(), path, key, TestHaven.ADMIN_PASSPHRASE);
            assertEquals(200, download.statusCode(), download.body());

            String text;
            try (Gpg lawyer = LawyerExport.lawyer(gpgDir, inbox)) {
                Gpg.Decrypted file = lawyer.decrypt(download.body());
                assertTrue(file.status().contains("[GNUPG:] GOODSIG "), file.status());
                text = file.text();
            }
            assertTrue(text.contains(marker), "not this case's file");
            Matcher block = BLOCK.matcher(text);
            assertTrue(block.find(), "no attachment block in the export:\n" + text);
            byte[] decoded = Base64.getMimeDecoder().decode(block.group(5));
            assertArrayEquals(voice, decoded, "the exported bytes are not the voice note");
            String sha =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(voice));
            assertEquals(
                    sha,
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(decoded)));
            assertEquals(sha, block.group(3), "the heading's SHA-256");
            assertEquals(Integer.toString(voice.length), block.group(2), "the heading's size");
            assertTrue(
                    block.group(5).lines().allMatch(l -> l.length() <= 76),
                    "base64 lines longer than MIME's 76");
            assertTrue(!block.find(), "more than one attachment block");
        }
    }

    private static void post(TwilioWebhook webhook, String form) throws Exception {
        WhatsAppIntakeTest.postAccepted(webhook, form);
    }
}
