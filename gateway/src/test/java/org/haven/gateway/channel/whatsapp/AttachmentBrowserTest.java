package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/** A voice note sent on WhatsApp, played by a coordinator in the case page of a real browser. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AttachmentBrowserTest {

    /**
     * Verifies that a voice note sent after the intake appears in the case's conversation as a
     * player whose source the page's own policy lets it load, and that it plays: its duration is
     * known and its time advances.
     */
    @Test
    void testCoordinatorPlaysVoiceNoteInCasePage(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        Map<String, String> settings =
                new HashMap<>(WhatsAppIntakeTest.settings("http://127.0.0.1:1"));
        try (FakeTwilio twilio =
                FakeTwilio.start(WhatsAppIntakeTest.ACCOUNT_SID)
                        .requireToken(WhatsAppIntakeTest.AUTH_TOKEN)) {
            settings.put("HAVEN_TWILIO_API_URL", twilio.url());
            settings.put("HAVEN_WHATSAPP_MEDIA_TYPES", "audio/ogg,audio/wav");
            settings.put("HAVEN_WHATSAPP_MEDIA_MAX_BYTES", "200000");
            try (Haven haven = TestHaven.start(dataDir, settings);
                    Browser browser = Browser.start(1280, 900)) {
                TestHaven.setUpAdmin(haven);
                TwilioWebhook webhook =
                        new TwilioWebhook(haven.port(), WhatsAppIntakeTest.PUBLIC_URL);
                String phone = "whatsapp:+16135550150";
                List<String> texts = new ArrayList<>();
                texts.add("Hello");
                texts.addAll(IntakeDriver.survivorAnswers("browser-" + UUID.randomUUID()));
                for (String text : texts) {
                    post(
                            webhook,
                            WhatsAppIntakeTest.form(
                                    TwilioWebhook.newMessageSid(), phone, text, null, null));
                }
                String sid = WhatsAppIntakeTest.mediaSid();
                String url = twilio.addMedia(sid, "audio/wav", wav(1.5));
                post(webhook, WhatsAppIntakeTest.form(sid, phone, "", url, "audio/wav"));

                InboxClient inbox = TestHaven.loggedIn(haven);
                String path = null;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (path == null && System.nanoTime() < end) {
                    Matcher m =
                            Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                                    .matcher(inbox.get("/inbox").body());
                    path = m.find() ? m.group(1) : null;
                    Thread.sleep(200);
                }
                assertTrue(path != null, "no case");

                String base = "http://127.0.0.1:" + haven.port();
                WebDriver d = browser.driver();
                d.get(base + "/inbox/login");
                CookieManager cookies = (CookieManager) inbox.http().cookieHandler().orElseThrow();
                for (HttpCookie c : cookies.getCookieStore().getCookies()) {
                    d.manage().addCookie(new Cookie(c.getName(), c.getValue(), "/"));
                }
                d.get(base + path);
                browser.await(
                        "the voice note's player",
                        w -> !w.findElements(By.cssSelector("li.attachment audio")).isEmpty());
                browser.screenshot("inbox-case-voice-note");
                // as a coordinator would: a click on the page first (media play needs a gesture)
                d.findElement(By.cssSelector("li.attachment audio")).click();
                Object played =
                        ((JavascriptExecutor) d)
                                .executeAsyncScript(
                                        "var done = arguments[arguments.length - 1];"
                                                + " var a = document.querySelector('li.attachment audio');"
                                                + " a.muted = true;"
                                                + " a.addEventListener('error', function () { done('error ' + (a.error && a.error.code)); });"
                                                + " a.addEventListener('timeupdate', function () { if (a.currentTime > 0) { done('playing ' + a.duration); } });"
                                                + " a.play().catch(function (e) { done('refused ' + e.name); });");
                assertTrue(
                        String.valueOf(played).startsWith("playing 1.5"),
                        "the voice note did not play: " + played);
                assertEquals(
                        1,
                        d.findElements(By.cssSelector("li.attachment a[download]")).size(),
                        "no download link");
            }
        }
    }

    private static void post(TwilioWebhook webhook, String form) throws Exception {
        assertEquals(
                200,
                webhook.postSigned(
                                WhatsAppChannel.MESSAGE_PATH, form, WhatsAppIntakeTest.AUTH_TOKEN)
                        .statusCode());
    }

    /** A mono 8 kHz 16-bit WAV file of a 440 Hz tone, {@code seconds} long. */
    static byte[] wav(double seconds) {
        int rate = 8000;
        int samples = (int) (rate * seconds);
        ByteBuffer pcm = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            pcm.putShort((short) (Math.sin(2 * Math.PI * 440 * i / rate) * 8000));
        }
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1);
        h.putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        h.put("data".getBytes()).putInt(samples * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(pcm.array());
        return out.toByteArray();
    }
}
