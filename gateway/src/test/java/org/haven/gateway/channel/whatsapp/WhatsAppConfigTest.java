package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.sms.SmsConfig;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Settings;
import org.haven.gateway.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The WhatsApp channel's settings. */
class WhatsAppConfigTest {
    // not a substring of the account SID, so that a leak is told from the SID
    private static final String TOKEN = "fedcba9876543210fedcba9876543210";
    private static final Optional<String> PUBLIC = Optional.of("https://haven.example.org/");

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("twilio_account_sid", WhatsAppIntakeTest.ACCOUNT_SID);
        m.put("twilio_auth_token", TOKEN);
        m.put("whatsapp_from", "+15145550100");
        return m;
    }

    /**
     * Verifies the defaults, the sender's form, the webhook URLs, and that SMS stays off for an
     * account with only a WhatsApp sender.
     */
    @Test
    void testDefaultsApplyAndSmsStaysOff() {
        WhatsAppConfig c = WhatsAppConfig.parse(new Settings(valid()), PUBLIC).orElseThrow();
        assertEquals("whatsapp:+15145550100", c.from());
        assertEquals(16 * 1024 * 1024, c.media().maxBytes());
        assertTrue(c.media().accepts("audio/ogg; codecs=opus"));
        assertFalse(c.media().accepts("text/html"));
        assertEquals(Optional.empty(), c.replyTemplateSid());
        assertEquals("https://haven.example.org/webhooks/twilio/whatsapp", c.messageWebhookUrl());
        assertEquals(
                "https://haven.example.org/webhooks/twilio/whatsapp/status", c.statusWebhookUrl());
        assertFalse(c.toString().contains(TOKEN));
        assertTrue(SmsConfig.parse(new Settings(valid()), PUBLIC).isEmpty());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(Map.of("whatsapp_from", "+1 514 555"), "HAVEN_WHATSAPP_FROM"),
                Arguments.of(Map.of("twilio_account_sid", ""), "HAVEN_TWILIO_ACCOUNT_SID"),
                Arguments.of(
                        Map.of("whatsapp_reply_template_sid", "HX1"),
                        "HAVEN_WHATSAPP_REPLY_TEMPLATE_SID"),
                Arguments.of(
                        Map.of("whatsapp_media_types", "audio ogg"), "HAVEN_WHATSAPP_MEDIA_TYPES"),
                Arguments.of(
                        Map.of("whatsapp_media_max_bytes", "12"), "HAVEN_WHATSAPP_MEDIA_MAX_BYTES"),
                Arguments.of(
                        Map.of("whatsapp_reply_template_variables", "1=Haven"),
                        "HAVEN_WHATSAPP_REPLY_TEMPLATE_VARIABLES"),
                Arguments.of(
                        Map.of("whatsapp_buttons_content_sids", WhatsAppIntakeTest.TEMPLATE),
                        "HAVEN_WHATSAPP_BUTTONS_CONTENT_SIDS"));
    }

    /** Verifies that each mistake stops start-up with one line naming the variable, no secret. */
    @ParameterizedTest
    @MethodSource("mistakes")
    void testInvalidSettingFailsNamingTheVariable(Map<String, String> change, String variable) {
        Map<String, String> m = valid();
        m.putAll(change);
        m.values().removeIf(String::isEmpty);
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> WhatsAppConfig.parse(new Settings(m), PUBLIC));
        assertTrue(e.getMessage().startsWith(variable), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    /** Verifies that without HAVEN_WHATSAPP_FROM the channel is off and the log says so once. */
    @Test
    void testUnconfiguredChannelIsOffAndSaysSoOnce(@TempDir Path dataDir) {
        HavenConfig config = ConfigLoader.load(Map.of("HAVEN_DATA_DIR", dataDir.toString()), null);
        try (LogCapture logs = new LogCapture()) {
            assertTrue(
                    WhatsAppChannel.create(new ChannelContext(null, null, null, config)).isEmpty());
            assertEquals(
                    1,
                    logs.lines().stream()
                            .filter(l -> l.contains("event=channel_disabled channel=whatsapp"))
                            .count());
        }
    }

    /** Verifies that HAVEN_WHATSAPP_* variables reach the settings through the loader. */
    @Test
    void testEnvironmentVariablesReachWhatsAppSettings(@TempDir Path dataDir) {
        HavenConfig config =
                ConfigLoader.load(
                        Map.of(
                                "HAVEN_DATA_DIR",
                                dataDir.toString(),
                                "HAVEN_PUBLIC_URL",
                                "https://haven.example.org",
                                "HAVEN_TWILIO_ACCOUNT_SID",
                                WhatsAppIntakeTest.ACCOUNT_SID,
                                "HAVEN_TWILIO_AUTH_TOKEN",
                                TOKEN,
                                "HAVEN_WHATSAPP_FROM",
                                "whatsapp:+15145550100",
                                "HAVEN_WHATSAPP_REPLY_TEMPLATE_SID",
                                WhatsAppIntakeTest.TEMPLATE),
                        null);
        WhatsAppConfig c =
                WhatsAppConfig.parse(config.settings(), config.publicUrl()).orElseThrow();
        assertEquals(Optional.of(WhatsAppIntakeTest.TEMPLATE), c.replyTemplateSid());
        assertFalse(config.toString().contains(TOKEN));
    }
}
