package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.script.Language;
import org.haven.gateway.intake.ActiveScript;
import org.junit.jupiter.api.Test;

/**
 * The chat page's own words ({@link PageWords}: the script's {@code page_*} messages, served as
 * /chat/words.js) against the languages of the default intake script.
 */
class WebChatWordsTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = WebChatWordsTest.class.getResourceAsStream("/webroot/chat/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonObject words() {
        Engine engine =
                new Engine(Intake.defaultIntake(), new EngineSettings(null, Duration.ofDays(30)));
        return PageWords.words(new ActiveScript(() -> engine));
    }

    /**
     * Verifies that every word of the page exists in every language of the script, with the
     * script's writing direction, so that no language falls back to English on the page.
     */
    @Test
    void testEveryWordIsInEveryLanguageOfTheScript() {
        JsonObject words = words();
        JsonObject english = words.getJsonObject("en");
        for (Language l : Intake.defaultIntake().script().languages()) {
            JsonObject own = words.getJsonObject(l.code());
            assertNotNull(own, "no words in " + l.code());
            assertEquals(english.fieldNames(), own.fieldNames(), l.code());
            for (String key : english.fieldNames()) {
                assertFalse(own.getString(key).isBlank(), l.code() + ": " + key);
                if (!l.code().equals("en") && !key.equals("dir") && !key.equals("log")) {
                    assertFalse(
                            own.getString(key).equals(english.getString(key)),
                            l.code() + ": " + key + " is the English word");
                }
            }
            assertEquals(l.rtl() ? "rtl" : "ltr", own.getString("dir"), l.code());
        }
    }

    /**
     * Verifies that the web's hint under a multiple-choice question names the page's Done button in
     * each language.
     */
    @Test
    void testScriptHintNamesThePagesDoneButton() {
        JsonObject words = words();
        var hint = Intake.defaultIntake().script().messages().get("choose_several_web");
        assertNotNull(hint, "the script has no hint for the web");
        for (Language l : Intake.defaultIntake().script().languages()) {
            String done = words.getJsonObject(l.code()).getString("done");
            String text = hint.in(l.code()).orElse("");
            assertTrue(
                    text.contains(done),
                    l.code() + ": '" + text + "' does not name '" + done + "'");
        }
    }

    /**
     * Verifies that the page without JavaScript says what it needs in every language of the script.
     */
    @Test
    void testNoscriptTextIsInEveryLanguage() throws IOException {
        String page = resource("index.html");
        String noscript = page.substring(page.indexOf("<noscript>"), page.indexOf("</noscript>"));
        for (Language l : Intake.defaultIntake().script().languages()) {
            assertTrue(
                    noscript.contains("lang=\"" + l.code() + "\""),
                    "no " + l.code() + " in " + noscript);
        }
    }
}
