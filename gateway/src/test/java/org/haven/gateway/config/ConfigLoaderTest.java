package org.haven.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    /** Verifies that the built-in defaults hold when nothing is set. */
    @Test
    void testDefaultsWhenNothingIsSet() {
        HavenConfig c = ConfigLoader.load(Map.of(), null);
        assertEquals(8080, c.httpPort());
        assertEquals(Path.of("./haven-data").toAbsolutePath().normalize(), c.dataDir());
        assertTrue(c.database().isEmpty());
        assertFalse(c.secureCookies());
    }

    /** Verifies that environment variables override the file, which overrides the defaults. */
    @Test
    void testEnvironmentOverridesFileOverridesDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("haven.yaml");
        Files.writeString(
                file,
                "http_port: 9000\nresume_window: 2h\npublic_url: https://help.example.org/\n");
        HavenConfig fromFile = ConfigLoader.load(Map.of("HAVEN_CONFIG", file.toString()), null);
        assertEquals(9000, fromFile.httpPort());
        assertEquals(Duration.ofHours(2), fromFile.resumeWindow());
        assertEquals("https://help.example.org", fromFile.publicUrl().orElseThrow());
        assertTrue(fromFile.secureCookies());
        HavenConfig fromEnv =
                ConfigLoader.load(
                        Map.of("HAVEN_CONFIG", file.toString(), "HAVEN_HTTP_PORT", "9100"), null);
        assertEquals(9100, fromEnv.httpPort());
    }

    /** Verifies that a database URL is parsed and its password never printed. */
    @Test
    void testDatabaseUrlIsParsedAndRedacted() {
        HavenConfig c =
                ConfigLoader.load(
                        Map.of(
                                "HAVEN_DB_URL",
                                "postgresql://haven:s3cr%40t@db.internal:6543/haven"),
                        null);
        DatabaseUrl db = c.database().orElseThrow();
        assertEquals("db.internal", db.host());
        assertEquals(6543, db.port());
        assertEquals("haven", db.database());
        assertEquals("s3cr@t", db.password());
        assertFalse(c.toString().contains("s3cr"));
        assertFalse(db.toString().contains("s3cr"));
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("HAVEN_HTTP_PORT", "eighty", "HAVEN_HTTP_PORT"),
                Arguments.of("HAVEN_HTTP_PORT", "70000", "HAVEN_HTTP_PORT"),
                Arguments.of("HAVEN_DB_URL", "mysql://u:p@h/db", "HAVEN_DB_URL"),
                Arguments.of("HAVEN_DB_URL", "postgresql://u:hunter2@host", "HAVEN_DB_URL"),
                Arguments.of("HAVEN_DB_URL", "postgresql://host:5432/db", "HAVEN_DB_URL"),
                Arguments.of("HAVEN_PUBLIC_URL", "help.example.org", "HAVEN_PUBLIC_URL"),
                Arguments.of("HAVEN_QUICK_EXIT_URL", "http://example.org", "HAVEN_QUICK_EXIT_URL"),
                Arguments.of("HAVEN_RESUME_WINDOW", "forever", "HAVEN_RESUME_WINDOW"),
                Arguments.of("HAVEN_TEAM_KEY_PIN", "0123456789abcdef", "HAVEN_TEAM_KEY_PIN"),
                Arguments.of(
                        "HAVEN_TEAM_KEY_PIN", "hvpin1-" + "g".repeat(64), "HAVEN_TEAM_KEY_PIN"),
                Arguments.of("HAVEN_CONFIG", "/nonexistent/haven.yaml", "HAVEN_CONFIG"));
    }

    /**
     * Verifies that each invalid setting stops loading with one line that names it and hides
     * secrets.
     */
    @ParameterizedTest
    @MethodSource("invalidSettings")
    void testInvalidSettingFailsWithItsName(String key, String value, String named) {
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> ConfigLoader.load(Map.of(key, value), null));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(e.getMessage().contains("hunter2"));
    }

    /** Verifies that an unknown key in the config file is refused rather than silently ignored. */
    @Test
    void testUnknownFileSettingIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("haven.yaml");
        Files.writeString(file, "http_prot: 9000\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), file));
        assertTrue(e.getMessage().contains("http_prot"));
    }
}
