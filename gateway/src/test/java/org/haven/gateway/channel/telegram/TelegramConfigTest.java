package org.haven.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Telegram settings, validated at start-up with one-line errors that name the variable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TelegramConfigTest {
    private static final String TOKEN = FakeBotApi.TOKEN;
    private static final String SECRET = TelegramSupport.SECRET;

    private static Optional<TelegramConfig> load(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return TelegramConfig.from(ConfigLoader.load(env, null));
    }

    /** Verifies that without a bot token the channel is off. */
    @Test
    void testChannelIsOffWithoutToken() {
        assertTrue(load().isEmpty());
    }

    /**
     * Verifies that a complete webhook configuration parses, with Telegram's API as the default.
     */
    @Test
    void testWebhookConfigurationParses() {
        TelegramConfig c =
                load(
                                "HAVEN_TELEGRAM_BOT_TOKEN",
                                TOKEN,
                                "HAVEN_TELEGRAM_SECRET_TOKEN",
                                SECRET,
                                "HAVEN_PUBLIC_URL",
                                "https://haven.example.org/")
                        .orElseThrow();
        assertEquals(TelegramConfig.Mode.WEBHOOK, c.mode());
        assertEquals("https://haven.example.org/webhooks/telegram", c.webhookUrl().orElseThrow());
        assertEquals("api.telegram.org", c.apiUrl().getHost());
        assertEquals(443, c.apiUrl().getPort());
        assertFalse(
                c.toString().contains(TOKEN) || c.toString().contains(SECRET),
                "secret in toString");
    }

    /**
     * Verifies that polling needs neither a public URL nor a secret, and that a local Bot API
     * server is accepted.
     */
    @Test
    void testPollingWithLocalBotApiServerParses() {
        TelegramConfig c =
                load(
                                "HAVEN_TELEGRAM_BOT_TOKEN",
                                TOKEN,
                                "HAVEN_TELEGRAM_MODE",
                                "polling",
                                "HAVEN_TELEGRAM_API_URL",
                                "http://localhost:8081")
                        .orElseThrow();
        assertEquals(TelegramConfig.Mode.POLLING, c.mode());
        assertEquals("http", c.apiUrl().getSchema());
        assertEquals(8081, c.apiUrl().getPort());
    }

    /**
     * Verifies that each invalid setting fails start-up with a one-line message naming its
     * variable, never its value.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            bad token             | HAVEN_TELEGRAM_BOT_TOKEN    | not-a-token     |                            | HAVEN_TELEGRAM_BOT_TOKEN
            secret without token  | HAVEN_TELEGRAM_SECRET_TOKEN | abcdefghijklmnopq | no-token                 | HAVEN_TELEGRAM_BOT_TOKEN
            bad mode              | HAVEN_TELEGRAM_MODE         | push            |                            | HAVEN_TELEGRAM_MODE
            webhook needs secret  | HAVEN_TELEGRAM_SECRET_TOKEN |                 |                            | HAVEN_TELEGRAM_SECRET_TOKEN
            short secret          | HAVEN_TELEGRAM_SECRET_TOKEN | short           |                            | HAVEN_TELEGRAM_SECRET_TOKEN
            secret with bad chars | HAVEN_TELEGRAM_SECRET_TOKEN | abc def ghi jkl mno p |                      | HAVEN_TELEGRAM_SECRET_TOKEN
            api url with path     | HAVEN_TELEGRAM_API_URL      | https://example.org/tg |                     | HAVEN_TELEGRAM_API_URL
            api url not http      | HAVEN_TELEGRAM_API_URL      | ftp://example.org |                          | HAVEN_TELEGRAM_API_URL
            webhook needs public  | HAVEN_PUBLIC_URL            |                 |                            | HAVEN_PUBLIC_URL
            """)
    void testStartFailsForInvalidSetting(
            String label, String variable, String value, String noToken, String named) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        if (noToken == null) {
            env.put("HAVEN_TELEGRAM_BOT_TOKEN", TOKEN);
        }
        env.put("HAVEN_TELEGRAM_SECRET_TOKEN", SECRET);
        env.put("HAVEN_PUBLIC_URL", "https://haven.example.org");
        if (value == null) {
            env.remove(variable);
        } else {
            env.put(variable, value);
        }
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> TelegramConfig.from(ConfigLoader.load(env, null)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "not one line");
        assertFalse(
                e.getMessage().contains(TOKEN) || e.getMessage().contains(SECRET), "secret echoed");
        if (value != null && value.length() > 8) {
            assertFalse(e.getMessage().contains(value), "value echoed: " + e.getMessage());
        }
    }
}
