package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team key rotated elsewhere (the command line, another gateway) while this gateway still seals
 * to the old one.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RotationRaceTest {
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String PUBLIC_URL = "http://haven.example.org";

    /**
     * Verifies that an SMS that completes an intake just after the team key was rotated at the
     * command line, before this gateway read the new key, is acknowledged (it was answered 500 and
     * lost: the database refuses entry keys for a retired key), and that the new case is sealed to
     * the new key only.
     */
    @Test
    void testIntakeCompletedRightAfterRotationIsSealedToTheNewKey(@TempDir Path dataDir)
            throws Exception {
        String url = TestPostgres.newDatabase();
        try (LogCapture logs = new LogCapture();
                FakeTwilio twilio = FakeTwilio.start(ACCOUNT);
                Haven haven =
                        TestHaven.start(
                                dataDir,
                                TestHaven.with(
                                        twilio.smsSettings(
                                                PUBLIC_URL, ACCOUNT, TOKEN, "+15145550100"),
                                        "HAVEN_DB_URL",
                                        url))) {
            TestHaven.setUpAdmin(haven);
            // this gateway reads the team key again only when told (its 10 s refresh would hide the
            // race)
            haven.teamKeys().stopRefreshing();
            String before = haven.teamKeys().currentKeyId();
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            List<String> texts = new ArrayList<>(List.of("Hello"));
            texts.addAll(IntakeDriver.survivorAnswers("race-" + UUID.randomUUID()));
            String phone = "+16135550188";
            for (String text : texts.subList(0, texts.size() - 1)) {
                assertEquals(200, sms(webhook, phone, text).statusCode());
            }

            HavenCli.Run rotated =
                    HavenCli.withInput(
                            Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString()),
                            String.join(
                                            "\n",
                                            TestHaven.ADMIN,
                                            TestHaven.ADMIN_PASSPHRASE,
                                            TestHaven.credentials(dataDir, TestHaven.ADMIN)
                                                    .nextCode())
                                    + "\n",
                            "team-key",
                            "rotate");
            assertEquals(0, rotated.code(), rotated.toString());
            String after =
                    DatabaseDump.query(
                                    haven.database().connectOptions(),
                                    "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                            .get(0)
                            .get(0);
            assertNotEquals(before, after);
            assertEquals(
                    before,
                    haven.teamKeys().currentKeyId(),
                    "the gateway already read the new key: no race left to test");

            HttpResponse<String> last = sms(webhook, phone, texts.get(texts.size() - 1));
            assertEquals(
                    200, last.statusCode(), "the message that met the retired key was refused");
            assertEquals(
                    List.of(List.of(after)),
                    DatabaseDump.query(
                            haven.database().connectOptions(),
                            "SELECT DISTINCT key_id FROM entry_keys"));
            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            haven.database().connectOptions(), "SELECT count(*) FROM cases"));
            assertEquals(after, haven.teamKeys().currentKeyId());
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(l -> l.contains("event=team_key_retired_meanwhile")),
                    "not logged");
        }
    }

    private static HttpResponse<String> sms(TwilioWebhook webhook, String from, String text)
            throws Exception {
        return webhook.postSigned(
                "/webhooks/twilio/sms",
                TwilioWebhook.smsForm(
                        ACCOUNT, TwilioWebhook.newMessageSid(), from, "+15145550100", text),
                TOKEN);
    }
}
