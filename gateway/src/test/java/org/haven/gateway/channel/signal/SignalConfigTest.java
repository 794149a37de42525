package org.haven.gateway.channel.signal;

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

/** The Signal settings, validated at start-up with one-line errors that name the variable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SignalConfigTest {

    private static Optional<SignalConfig> load(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return SignalConfig.from(ConfigLoader.load(env, null));
    }

    /** Verifies that without the daemon's URL the channel is off. */
    @Test
    void testChannelIsOffWithoutUrl() {
        assertTrue(load().isEmpty());
    }

    /**
     * Verifies that a complete configuration parses, with the port made explicit, one message a
     * second by default, and the account number kept out of toString.
     */
    @Test
    void testConfigurationParses() {
        SignalConfig c =
                load(
                                "HAVEN_SIGNAL_URL",
                                "http://signal-cli:8080",
                                "HAVEN_SIGNAL_ACCOUNT",
                                FakeSignalCli.ACCOUNT)
                        .orElseThrow();
        assertEquals("http://signal-cli:8080", c.url().toString());
        assertEquals(FakeSignalCli.ACCOUNT, c.account());
        assertEquals(1, c.maxPerSecond());
        assertFalse(c.toString().contains(FakeSignalCli.ACCOUNT), "account in toString");
        assertEquals(
                "http://signal-cli:80",
                load(
                                "HAVEN_SIGNAL_URL",
                                "http://signal-cli",
                                "HAVEN_SIGNAL_ACCOUNT",
                                FakeSignalCli.ACCOUNT)
                        .orElseThrow()
                        .url()
                        .toString());
    }

    /**
     * Verifies that the attachments directory is off by default (no file is taken), taken as an
     * absolute path with WhatsApp's limits or the Signal ones, and refused when relative or set
     * without the daemon's URL.
     */
    @Test
    void testAttachmentsDirectoryAndLimits() {
        SignalConfig off =
                load(
                                "HAVEN_SIGNAL_URL",
                                "http://signal-cli:8080",
                                "HAVEN_SIGNAL_ACCOUNT",
                                FakeSignalCli.ACCOUNT)
                        .orElseThrow();
        assertTrue(off.attachmentsDir().isEmpty());
        SignalConfig on =
                load(
                                "HAVEN_SIGNAL_URL",
                                "http://signal-cli:8080",
                                "HAVEN_SIGNAL_ACCOUNT",
                                FakeSignalCli.ACCOUNT,
                                "HAVEN_SIGNAL_ATTACHMENTS_DIR",
                                "/var/lib/signal-cli-attachments/",
                                "HAVEN_SIGNAL_MEDIA_MAX_BYTES",
                                "2048")
                        .orElseThrow();
        assertEquals(
                "/var/lib/signal-cli-attachments", on.attachmentsDir().orElseThrow().toString());
        assertEquals(2048, on.media().maxBytes());
        assertTrue(on.media().accepts("audio/aac"));
        ConfigException relative =
                assertThrows(
                        ConfigException.class,
                        () ->
                                load(
                                        "HAVEN_SIGNAL_URL",
                                        "http://signal-cli:8080",
                                        "HAVEN_SIGNAL_ACCOUNT",
                                        FakeSignalCli.ACCOUNT,
                                        "HAVEN_SIGNAL_ATTACHMENTS_DIR",
                                        "attachments"));
        assertTrue(relative.getMessage().contains("HAVEN_SIGNAL_ATTACHMENTS_DIR"));
        ConfigException alone =
                assertThrows(
                        ConfigException.class,
                        () ->
                                load(
                                        "HAVEN_SIGNAL_ATTACHMENTS_DIR",
                                        "/var/lib/signal-cli-attachments"));
        assertTrue(alone.getMessage().contains("HAVEN_SIGNAL_URL"));
    }

    /** Verifies that each wrong setting is refused with a message naming its variable. */
    // named without the values: the account numbers are 555-01xx numbers, which the log check hunts
    @ParameterizedTest(name = "[{index}] refused, naming {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "http://signal-cli:8080 | | 1 | HAVEN_SIGNAL_ACCOUNT",
                "http://signal-cli:8080 | 5145550100 | 1 | HAVEN_SIGNAL_ACCOUNT",
                "signal-cli:8080 | +15145550100 | 1 | HAVEN_SIGNAL_URL",
                "http://signal-cli:8080/api/v1/rpc | +15145550100 | 1 | HAVEN_SIGNAL_URL",
                "ftp://signal-cli | +15145550100 | 1 | HAVEN_SIGNAL_URL",
                "http://signal-cli:8080 | +15145550100 | 0 | HAVEN_SIGNAL_MAX_PER_SECOND",
                " | +15145550100 | 1 | HAVEN_SIGNAL_URL",
            })
    void testWrongSettingIsRefused(String url, String account, String rate, String named) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        if (url != null) {
            env.put("HAVEN_SIGNAL_URL", url);
        }
        if (account != null) {
            env.put("HAVEN_SIGNAL_ACCOUNT", account);
        }
        env.put("HAVEN_SIGNAL_MAX_PER_SECOND", rate);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SignalConfig.from(ConfigLoader.load(env, null)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
