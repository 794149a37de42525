package org.haven.gateway.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Settings;
import org.haven.gateway.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The SMS channel's settings: off unless configured, and one clear line for each mistake. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmsConfigTest {
    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "s3cr3t-token-0123456789abcdef";
    private static final Optional<String> PUBLIC = Optional.of("https://haven.example.org/");

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("twilio_account_sid", SID);
        m.put("twilio_auth_token", TOKEN);
        m.put("twilio_from", "+15145550100");
        return m;
    }

    /**
     * Verifies that a minimal configuration gets the defaults: Twilio's API, one message a second,
     * one hour validity.
     */
    @Test
    void testDefaultsApplyToMinimalConfiguration() {
        SmsConfig c = SmsConfig.parse(new Settings(valid()), PUBLIC).orElseThrow();
        assertEquals("https://api.twilio.com", c.apiUrl().toString());
        assertEquals(1, c.maxPerSecond());
        assertEquals(Duration.ofHours(1), c.validity());
        assertEquals("https://haven.example.org/webhooks/twilio/sms", c.smsWebhookUrl());
        assertEquals("https://haven.example.org/webhooks/twilio/status", c.statusWebhookUrl());
        assertFalse(c.toString().contains(TOKEN), "toString prints the auth token");
    }

    /** Verifies that SMS is off when no Twilio setting is present. */
    @Test
    void testNoTwilioSettingsMeansSmsIsOff() {
        assertTrue(SmsConfig.parse(new Settings(Map.of()), PUBLIC).isEmpty());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(
                        "token without account",
                        Map.of("twilio_account_sid", ""),
                        "HAVEN_TWILIO_ACCOUNT_SID",
                        PUBLIC),
                Arguments.of(
                        "account without token",
                        Map.of("twilio_auth_token", ""),
                        "HAVEN_TWILIO_AUTH_TOKEN",
                        PUBLIC),
                Arguments.of(
                        "malformed account",
                        Map.of("twilio_account_sid", "AC123"),
                        "HAVEN_TWILIO_ACCOUNT_SID",
                        PUBLIC),
                Arguments.of(
                        "short token",
                        Map.of("twilio_auth_token", "short"),
                        "HAVEN_TWILIO_AUTH_TOKEN",
                        PUBLIC),
                Arguments.of("no sender", Map.of("twilio_from", ""), "HAVEN_TWILIO_FROM", PUBLIC),
                Arguments.of(
                        "two senders",
                        Map.of(
                                "twilio_messaging_service_sid",
                                "MG0123456789abcdef0123456789abcdef"),
                        "HAVEN_TWILIO_FROM",
                        PUBLIC),
                Arguments.of(
                        "malformed number",
                        Map.of("twilio_from", "+1 (514) 555-0100 ext 2"),
                        "HAVEN_TWILIO_FROM",
                        PUBLIC),
                Arguments.of(
                        "malformed service",
                        Map.of("twilio_from", "", "twilio_messaging_service_sid", "MG1"),
                        "HAVEN_TWILIO_MESSAGING_SERVICE_SID",
                        PUBLIC),
                Arguments.of(
                        "API URL with a path",
                        Map.of("twilio_api_url", "https://proxy.example.org/twilio"),
                        "HAVEN_TWILIO_API_URL",
                        PUBLIC),
                Arguments.of(
                        "API URL not http",
                        Map.of("twilio_api_url", "ftp://proxy.example.org"),
                        "HAVEN_TWILIO_API_URL",
                        PUBLIC),
                Arguments.of(
                        "rate zero",
                        Map.of("twilio_max_per_second", "0"),
                        "HAVEN_TWILIO_MAX_PER_SECOND",
                        PUBLIC),
                Arguments.of(
                        "rate not a number",
                        Map.of("twilio_max_per_second", "fast"),
                        "HAVEN_TWILIO_MAX_PER_SECOND",
                        PUBLIC),
                Arguments.of(
                        "validity past Twilio's maximum",
                        Map.of("twilio_validity_seconds", "99999"),
                        "HAVEN_TWILIO_VALIDITY_SECONDS",
                        PUBLIC),
                Arguments.of("no public URL", Map.of(), "HAVEN_PUBLIC_URL", Optional.empty()));
    }

    /**
     * Verifies that each mistake stops start-up with one line that names the variable and holds no
     * secret.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void testInvalidSettingFailsWithOneLineNamingTheVariable(
            String label, Map<String, String> change, String variable, Optional<String> publicUrl) {
        Map<String, String> m = valid();
        m.putAll(change);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SmsConfig.parse(new Settings(m), publicUrl),
                        label);
        assertTrue(e.getMessage().startsWith(variable), label + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), label);
        assertFalse(e.getMessage().contains(TOKEN), label + ": the token is in the message");
    }

    /**
     * Verifies that without Twilio settings the channel is not created and the log says so once.
     */
    @Test
    void testUnconfiguredChannelIsOffAndSaysSoOnce(@TempDir Path dataDir) {
        HavenConfig config = ConfigLoader.load(Map.of("HAVEN_DATA_DIR", dataDir.toString()), null);
        try (LogCapture logs = new LogCapture()) {
            assertTrue(SmsChannel.create(new ChannelContext(null, null, null, config)).isEmpty());
            assertEquals(
                    1,
                    logs.lines().stream()
                            .filter(l -> l.contains("event=channel_disabled channel=sms"))
                            .count());
        }
    }

    /**
     * Verifies that HAVEN_TWILIO_* environment variables reach the SMS settings through the loader.
     */
    @Test
    void testEnvironmentVariablesReachSmsSettings(@TempDir Path dataDir) {
        HavenConfig config =
                ConfigLoader.load(
                        Map.of(
                                "HAVEN_DATA_DIR",
                                dataDir.toString(),
                                "HAVEN_PUBLIC_URL",
                                "https://haven.example.org",
                                "HAVEN_TWILIO_ACCOUNT_SID",
                                SID,
                                "HAVEN_TWILIO_AUTH_TOKEN",
                                TOKEN,
                                "HAVEN_TWILIO_MESSAGING_SERVICE_SID",
                                "MG0123456789abcdef0123456789abcdef",
                                "HAVEN_TWILIO_MAX_PER_SECOND",
                                "3"),
                        null);
        SmsConfig c = SmsConfig.parse(config.settings(), config.publicUrl()).orElseThrow();
        assertEquals(Optional.of("MG0123456789abcdef0123456789abcdef"), c.messagingServiceSid());
        assertEquals(3, c.maxPerSecond());
        assertFalse(config.toString().contains(TOKEN));
    }
}
