package org.haven.gateway.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MMS photos taken into the case, when HAVEN_TWILIO_MEDIA_TYPES turns it on. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MmsMediaTest {

    /**
     * Verifies that a photo sent by MMS during the intake is downloaded with the account's
     * credentials, held for the hand-off, acknowledged politely, and deleted from Twilio.
     */
    @Test
    void testMmsPhotoIsKeptAndDeletedFromTwilio(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio =
                FakeTwilio.start(SmsChannelTest.ACCOUNT_SID)
                        .requireToken(SmsChannelTest.AUTH_TOKEN)) {
            Map<String, String> settings =
                    new HashMap<>(
                            SmsChannelTest.settings(twilio.url(), "http://haven.example.org"));
            settings.put("HAVEN_TWILIO_MEDIA_TYPES", "image/jpeg");
            try (Haven haven = TestHaven.start(dataDir, settings)) {
                TwilioWebhook webhook = new TwilioWebhook(haven.port(), "http://haven.example.org");
                String phone = "+16135550171";
                webhook.postSigned(
                        SmsChannel.SMS_PATH,
                        TwilioWebhook.smsForm(
                                SmsChannelTest.ACCOUNT_SID,
                                TwilioWebhook.newMessageSid(),
                                phone,
                                SmsChannelTest.OUR_NUMBER,
                                "Hello"),
                        SmsChannelTest.AUTH_TOKEN);
                String sid = "MM" + TwilioWebhook.newMessageSid().substring(2);
                String url =
                        twilio.addMedia(
                                sid, "image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2});
                String mms =
                        TwilioWebhook.smsForm(
                                                SmsChannelTest.ACCOUNT_SID,
                                                sid,
                                                phone,
                                                SmsChannelTest.OUR_NUMBER,
                                                "")
                                        .replace("NumMedia=0", "NumMedia=1")
                                + "&MediaContentType0=image%2Fjpeg&MediaUrl0="
                                + TwilioWebhook.enc(url);
                assertEquals(
                        200,
                        webhook.postSigned(SmsChannel.SMS_PATH, mms, SmsChannelTest.AUTH_TOKEN)
                                .statusCode());
                twilio.await(
                        r ->
                                phone.equals(r.to())
                                        && r.body() != null
                                        && r.body().startsWith("Thank you, we kept your file"),
                        30);
                assertEquals(1, SmsChannelTest.count(haven, "SELECT count(*) FROM held_media"));
                assertFalse(twilio.holdsMedia(url), "Twilio's copy not deleted");
                assertTrue(
                        twilio.received().stream()
                                .noneMatch(
                                        r ->
                                                r.body() != null
                                                        && r.body()
                                                                .contains("cannot open pictures")));
            }
        }
    }
}
