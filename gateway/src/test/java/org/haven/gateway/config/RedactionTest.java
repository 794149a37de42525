package org.haven.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.sms.SmsChannel;
import org.haven.gateway.channel.sms.SmsConfig;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.MetricsScrape;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets of the configuration as a reader of the logs would look for them: every secret setting
 * (the loader's and each channel's) is set to a value of its own, then logged by mistake, in a
 * message and in an exception, through the shipped logback configuration; no value is found in what
 * was written. Configuration errors mask them too.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedactionTest {
    private static final Logger LOG = LoggerFactory.getLogger("org.haven.gateway.LeakCheck");
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";

    @TempDir Path dataDir;

    /** A value no other test uses, so that finding it anywhere means it leaked from here. */
    private static String marker(String name) {
        return name.replace('_', '-') + "-leak-check-" + UUID.randomUUID();
    }

    /**
     * What the shipped logback configuration wrote while {@code leak} logged each of {@code
     * secrets}' values, in a message, in a placeholder and in an exception's message.
     */
    private static String logged(Map<String, String> secrets) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String end = "event=leak_check_done id=" + UUID.randomUUID();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (Map.Entry<String, String> s : secrets.entrySet()) {
                LOG.warn("event=leak_check setting={} value={}", s.getKey(), s.getValue());
                LOG.warn(
                        "event=leak_check_exception setting=" + s.getKey(),
                        new IllegalStateException(
                                "calling https://api.example.org/bot"
                                        + s.getValue()
                                        + "/getUpdates failed",
                                new RuntimeException("cause with " + s.getValue())));
            }
            LOG.warn(end);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!captured.toString(StandardCharsets.UTF_8).contains(end)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20); // the appender writes on its own thread
            }
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(end), "the log lines were not written to standard output");
        return out;
    }

    private static void assertNoneFound(String out, Map<String, String> secrets) {
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            assertFalse(out.contains(s.getValue()), s.getKey() + " is in the log");
            assertTrue(
                    out.contains(
                            "event=leak_check setting=" + s.getKey() + " value=" + Redaction.MASK),
                    s.getKey() + " not masked");
        }
        assertTrue(
                out.contains(
                        "java.lang.IllegalStateException: calling https://api.example.org/bot"
                                + Redaction.MASK),
                "exception messages are not masked, or not logged");
    }

    /**
     * Verifies that every secret of {@link ConfigLoader#SECRETS} (the database URL's password on
     * its own too) is masked in log lines and stack traces once the configuration is loaded.
     */
    @Test
    void testTheLoadersSecretsAreMaskedInLogs() throws Exception {
        String password = marker("db_password");
        Map<String, String> secrets = new HashMap<>();
        secrets.put("db_url", "postgresql://haven:" + password + "@db.example.org:5432/haven");
        secrets.put("db_password", password);
        secrets.put("duress_word", marker("duress_word"));
        secrets.put("metrics_token", marker("metrics_token"));
        secrets.put(
                "server_keys",
                Base64.getEncoder()
                        .encodeToString(marker("server_keys").getBytes(StandardCharsets.UTF_8)));
        Map<String, String> env = new HashMap<>();
        for (String key : ConfigLoader.SECRETS) {
            env.put(ConfigLoader.PREFIX + key.toUpperCase(Locale.ROOT), secrets.get(key));
        }
        assertEquals(
                ConfigLoader.SECRETS,
                Set.copyOf(
                        new HashSet<>(
                                List.of("db_url", "duress_word", "metrics_token", "server_keys"))),
                "a secret setting this test does not set");
        ConfigLoader.load(env, null);
        assertNoneFound(logged(secrets), secrets);
    }

    /**
     * Verifies that the secret settings each channel declares ({@code secretSettings()}: the Twilio
     * auth token, the Telegram bot and webhook tokens) are masked in log lines and stack traces of
     * a running Haven.
     */
    @Test
    void testChannelsSecretsAreMaskedInLogs() throws Exception {
        Map<String, String> secrets = new HashMap<>();
        secrets.put("twilio_auth_token", marker("twilio_auth_token"));
        secrets.put(
                "telegram_bot_token",
                "123456789:" + marker("telegram_bot_token").replace('-', '_'));
        secrets.put("telegram_secret_token", marker("telegram_secret_token"));
        assertTrue(
                secrets.keySet().containsAll(SmsConfig.SECRETS),
                "a Twilio secret this test does not set");
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID)) {
            Map<String, String> env = new HashMap<>();
            env.put("HAVEN_PUBLIC_URL", "https://haven.example.org");
            env.put("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID);
            env.put("HAVEN_TWILIO_AUTH_TOKEN", secrets.get("twilio_auth_token"));
            env.put("HAVEN_TWILIO_FROM", "+15145550100");
            env.put("HAVEN_TWILIO_API_URL", twilio.url());
            env.put("HAVEN_TELEGRAM_BOT_TOKEN", secrets.get("telegram_bot_token"));
            env.put("HAVEN_TELEGRAM_SECRET_TOKEN", secrets.get("telegram_secret_token"));
            env.put("HAVEN_TELEGRAM_MODE", "polling");
            env.put(
                    "HAVEN_TELEGRAM_API_URL",
                    "http://127.0.0.1:9"); // nothing listens: polling fails and retries
            try (Haven haven = TestHaven.start(dataDir, env)) {
                assertNoneFound(logged(secrets), secrets);
            }
        }
    }

    /**
     * Verifies that a full run logs none of the secrets, not even masked (the log calls never see
     * them): every secret setting is given a marker of its own (the database password, the duress
     * word, the metrics token, the Twilio auth token, the Telegram tokens), then a Haven starts,
     * takes a whole SMS intake through signed webhooks to a queued case, a coordinator logs in and
     * reads it, the metrics page is read with its token, the duress word is sent, and Telegram's
     * polling fails against an address where nothing listens.
     */
    @Test
    void testAFullRunLogsNoSecret() throws Exception {
        Map<String, String> secrets = new HashMap<>();
        secrets.put("db_password", marker("db_password"));
        secrets.put("duress_word", "duress" + UUID.randomUUID().toString().substring(0, 8));
        secrets.put("metrics_token", marker("metrics_token"));
        secrets.put("twilio_auth_token", marker("twilio_auth_token"));
        secrets.put(
                "telegram_bot_token",
                "123456789:" + marker("telegram_bot_token").replace('-', '_'));
        secrets.put("telegram_secret_token", marker("telegram_secret_token"));
        String publicUrl = "http://haven.example.org"; // http: the test client keeps its cookies
        String phone = "+16135550171";
        try (LogCapture logs = new LogCapture();
                FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID)) {
            Map<String, String> env = new HashMap<>();
            // the test server trusts local connections: the password is carried, never checked
            env.put(
                    "HAVEN_DB_URL",
                    TestPostgres.newDatabase()
                            .replace("postgres@", "postgres:" + secrets.get("db_password") + "@"));
            env.put("HAVEN_DURESS_WORD", secrets.get("duress_word"));
            env.put("HAVEN_METRICS_TOKEN", secrets.get("metrics_token"));
            env.put("HAVEN_PUBLIC_URL", publicUrl);
            env.put("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID);
            env.put("HAVEN_TWILIO_AUTH_TOKEN", secrets.get("twilio_auth_token"));
            env.put("HAVEN_TWILIO_FROM", "+15145550100");
            env.put("HAVEN_TWILIO_API_URL", twilio.url());
            env.put("HAVEN_TELEGRAM_BOT_TOKEN", secrets.get("telegram_bot_token"));
            env.put("HAVEN_TELEGRAM_SECRET_TOKEN", secrets.get("telegram_secret_token"));
            env.put("HAVEN_TELEGRAM_MODE", "polling");
            env.put("HAVEN_TELEGRAM_API_URL", "http://127.0.0.1:9");
            try (Haven haven = TestHaven.start(dataDir, env)) {
                TestHaven.setUpAdmin(haven);
                TwilioWebhook webhook = new TwilioWebhook(haven.port(), publicUrl);
                List<String> texts = new ArrayList<>(List.of("Hello"));
                texts.addAll(IntakeDriver.survivorAnswers("answer-" + UUID.randomUUID()));
                texts.add(secrets.get("duress_word"));
                for (String text : texts) {
                    String form =
                            TwilioWebhook.smsForm(
                                    ACCOUNT_SID,
                                    TwilioWebhook.newMessageSid(),
                                    phone,
                                    "+15145550100",
                                    text);
                    assertEquals(
                            200,
                            webhook.postSigned(
                                            SmsChannel.SMS_PATH,
                                            form,
                                            secrets.get("twilio_auth_token"))
                                    .statusCode());
                }
                InboxClient inbox = TestHaven.loggedIn(haven);
                Matcher link = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher("");
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!link.reset(inbox.get("/inbox").body()).find() && System.nanoTime() < end) {
                    Thread.sleep(200);
                }
                assertEquals(200, inbox.get(link.group(1)).statusCode(), "the case did not open");
                HttpResponse<String> metrics =
                        MetricsScrape.get(haven.port(), secrets.get("metrics_token"));
                assertEquals(200, metrics.statusCode());
            }
            List<String> lines = logs.lines();
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("event=case_queued")),
                    "the run did not reach a queued case");
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertTrue(
                        lines.stream().noneMatch(l -> l.contains(secret.getValue())),
                        secret.getKey() + " is in the log");
            }
        }
    }

    /**
     * Verifies that a configuration error that quoted a registered secret by mistake shows it
     * masked.
     */
    @Test
    void testConfigurationErrorsMaskSecrets() {
        String token = marker("metrics_token");
        ConfigLoader.load(Map.of("HAVEN_METRICS_TOKEN", token), null);
        ConfigException e =
                new ConfigException("HAVEN_METRICS_TOKEN '" + token + "' is not accepted");
        assertFalse(e.getMessage().contains(token), e.getMessage());
        assertEquals(
                "HAVEN_METRICS_TOKEN '" + Redaction.MASK + "' is not accepted", e.getMessage());
    }
}
