package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.haven.bot.Option;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which questions go as quick-reply buttons, and the variables they carry. */
class QuickRepliesTest {
    private static final QuickReplies BUTTONS =
            new QuickReplies(Map.of(2, WhatsAppButtonsTest.TWO, 3, WhatsAppButtonsTest.THREE));
    private static final List<Option> CONTROLS =
            List.of(
                    new Option("SKIP", "Skip"),
                    new Option("PAUSE", "Pause"),
                    new Option("HUMAN", "Talk to a person"));

    private static List<Option> with(Option... answers) {
        List<Option> all = new ArrayList<>(List.of(answers));
        all.addAll(CONTROLS);
        return all;
    }

    /**
     * Verifies that three short answers fill the three-button template: the question with the
     * controls, then title and value per button, in order, escaped as JSON.
     */
    @Test
    void testThreeAnswersFillTheThreeButtonTemplate() {
        QuickReplies.Filled f =
                BUTTONS.fill(
                                "Is the person \"responsible\" in Canada?",
                                with(
                                        new Option("yes", "Yes"),
                                        new Option("no", "No"),
                                        new Option("dont_know", "I don't know")),
                                false)
                        .orElseThrow();
        assertEquals(WhatsAppButtonsTest.THREE, f.contentSid());
        assertEquals(
                new JsonObject()
                        .put(
                                "1",
                                "Is the person \"responsible\" in Canada?\nSkip / Pause / Talk to a person")
                        .put("2", "Yes")
                        .put("3", "yes")
                        .put("4", "No")
                        .put("5", "no")
                        .put("6", "I don't know")
                        .put("7", "dont_know"),
                new JsonObject(f.variables()));
    }

    /**
     * Verifies that a question goes as numbered text when it has more answers than buttons, no
     * template for its number of answers, a title over 20 characters, or several answers to choose.
     */
    @Test
    void testQuestionsThatDoNotFitGoAsText() {
        Option a = new Option("a", "A");
        assertEquals(Optional.empty(), BUTTONS.fill("Q", with(a, a, a, a), false), "four answers");
        assertEquals(Optional.empty(), BUTTONS.fill("Q", with(a), false), "no one-button template");
        assertEquals(Optional.empty(), BUTTONS.fill("Q", List.of(), false), "no answers");
        assertEquals(
                Optional.empty(),
                BUTTONS.fill("Q", with(a, new Option("family", "Family or close person")), false),
                "a title over 20 characters");
        assertTrue(
                BUTTONS.fill("Q", with(a, new Option("b", "ابدأ من جديد الآن")), false)
                        .isPresent());
        assertEquals(Optional.empty(), BUTTONS.fill("Q", with(a, a), true), "multiple choice");
        assertEquals(
                Optional.empty(),
                BUTTONS.fill("Q".repeat(993), with(a, a), false),
                "a body over 1,024 characters with the controls");
        assertTrue(BUTTONS.fill("Q".repeat(992), with(a, a), false).isPresent());
    }

    /** Verifies the setting's form: entries n:HX… by number of buttons, 1 to 3, once each. */
    @Test
    void testSettingListsTemplatesByNumberOfButtons() {
        assertEquals(
                Map.of(1, "HX" + "1".repeat(32), 3, "HX" + "3".repeat(32)),
                QuickReplies.parse(
                        new Settings(
                                Map.of(
                                        QuickReplies.SETTING,
                                        " 3:HX" + "3".repeat(32) + " ,1:HX" + "1".repeat(32)))));
        assertEquals(Map.of(), QuickReplies.parse(new Settings(Map.of())));
    }

    /** Verifies that a malformed entry stops start-up naming the variable. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "HX22222222222222222222222222222222",
                "4:HX22222222222222222222222222222222",
                "0:HX22222222222222222222222222222222",
                "2:HX2",
                "2:HX22222222222222222222222222222222,2:HX33333333333333333333333333333333",
                "2=HX22222222222222222222222222222222"
            })
    void testMalformedSettingFailsNamingTheVariable(String value) {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                QuickReplies.parse(
                                        new Settings(Map.of(QuickReplies.SETTING, value))));
        assertTrue(
                e.getMessage().startsWith("HAVEN_WHATSAPP_BUTTONS_CONTENT_SIDS"), e.getMessage());
    }
}
