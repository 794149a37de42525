package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.script.Language;
import org.haven.bot.script.Script;
import org.haven.bot.script.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words and facts the gateway takes from the intake script in use, rather than from Java. */
class ActiveScriptTest {
    private static final Engine DEFAULT =
            new Engine(Intake.defaultIntake(), EngineSettings.defaults());
    private static final ActiveScript SCRIPT = new ActiveScript(() -> DEFAULT);

    @TempDir Path dir;

    /** The messages the gateway says itself: the SMS picture note and every canned reply. */
    private static List<String> gatewayKeys() {
        List<String> keys = new ArrayList<>(List.of("media_note"));
        keys.addAll(SCRIPT.keys("canned_"));
        return keys;
    }

    /**
     * Verifies that every message the gateway says itself has its own text in every language the
     * default script marks complete (no fallback to English for a person writing Tigrinya).
     */
    @Test
    void testGatewayMessagesHaveEveryCompleteLanguage() {
        Script script = DEFAULT.script();
        List<String> complete =
                script.languages().stream().filter(Language::complete).map(Language::code).toList();
        assertTrue(
                complete.containsAll(List.of("en", "fr", "ar", "es", "fa", "ti", "uk")),
                complete.toString());
        for (String key : gatewayKeys()) {
            Text t = script.messages().get(key);
            assertTrue(t != null, "missing message " + key);
            for (String lang : complete) {
                assertFalse(
                        t.values().getOrDefault(lang, "").isBlank(),
                        key + " has no '" + lang + "'");
                assertEquals(lang, SCRIPT.message(key, lang).language(), key);
            }
        }
    }

    /**
     * Verifies that the canned replies are the script's canned_ messages, in the order it writes
     * them.
     */
    @Test
    void testCannedRepliesAreTheScriptsInItsOrder() {
        assertEquals(
                List.of("canned_received", "canned_call_time", "canned_referred"),
                SCRIPT.keys("canned_"));
    }

    /**
     * Verifies that right to left comes from the script's rtl: flags, and is false for a language
     * it does not speak.
     */
    @Test
    void testRightToLeftComesFromTheScript() {
        for (Language l : DEFAULT.script().languages()) {
            assertEquals(l.rtl(), SCRIPT.rtl(l.code()), l.code());
            assertEquals(l.rtl(), SCRIPT.message("media_note", l.code()).rtl(), l.code());
        }
        assertTrue(SCRIPT.rtl("ar"));
        assertTrue(SCRIPT.rtl("fa"));
        assertFalse(SCRIPT.rtl("en"));
        assertFalse(SCRIPT.rtl("xx"));
    }

    /** Verifies that the working groups are the script's, the fallback group among them. */
    @Test
    void testWorkingGroupsComeFromTheScript() {
        assertEquals(
                List.of(
                        "halifax",
                        "montreal",
                        "ottawa",
                        "toronto",
                        "winnipeg",
                        "edmonton",
                        "vancouver",
                        "victoria",
                        "national"),
                SCRIPT.workingGroups());
    }

    /**
     * Verifies that a message an older uploaded script lacks is taken from the shipped default
     * script.
     */
    @Test
    void testMessageMissingFromUploadedScriptComesFromTheDefault() throws Exception {
        String yaml = resource("intake/default.yaml");
        int start = yaml.indexOf("  media_note:\n");
        int end = yaml.indexOf("  canned_received:\n");
        Path file = dir.resolve("intake.yaml");
        Files.writeString(
                file, yaml.substring(0, start) + yaml.substring(end), StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("directory.yaml"),
                resource("intake/directory.yaml"),
                StandardCharsets.UTF_8);
        Engine older = new Engine(Intake.load(file), EngineSettings.defaults());
        assertFalse(older.script().messages().containsKey("media_note"));
        ActiveScript script = new ActiveScript(() -> older);
        assertEquals(
                SCRIPT.message("media_note", "fr").text(),
                script.message("media_note", "fr").text());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Intake.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
