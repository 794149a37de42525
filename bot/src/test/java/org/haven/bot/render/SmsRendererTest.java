package org.haven.bot.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.haven.bot.Intake;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.haven.bot.engine.Localizer;
import org.haven.bot.script.Language;
import org.haven.bot.script.Question;
import org.haven.bot.script.Script;
import org.junit.jupiter.api.Test;

/** SMS rendering: numbered options, control footer, segment budget, sentence splits. */
class SmsRendererTest {

    private static final List<Option> YES_NO =
            List.of(
                    new Option("yes", "Yes"),
                    new Option("no", "No"),
                    new Option("SKIP", "Skip"),
                    new Option("PAUSE", "Pause"),
                    new Option("HUMAN", "Talk to a person"));

    /** Verifies that answers are numbered and controls follow on one line. */
    @Test
    void testRenderNumbersOptionsAndListsControls() {
        List<String> out =
                new SmsRenderer(1, true).texts(new Reply("Is it safe?", YES_NO, "en", false));
        assertEquals(List.of("Is it safe?\n1) Yes\n2) No\nSkip / Pause / Talk to a person"), out);
    }

    /** Verifies that controls can be left out (the help message lists them). */
    @Test
    void testRenderWithoutControls() {
        List<String> out =
                new SmsRenderer(1, false).texts(new Reply("Is it safe?", YES_NO, "en", false));
        assertEquals(List.of("Is it safe?\n1) Yes\n2) No"), out);
    }

    /** Verifies that a long prompt is split at sentence boundaries, each part within the budget. */
    @Test
    void testRenderSplitsLongTextAtSentencesWithinBudget() {
        String s1 =
                "This is the first sentence, and it is rather long so that it needs quite some room.";
        String s2 =
                "Here comes a second sentence that also takes a fair amount of space in a message.";
        String s3 = "And a third one.";
        List<String> out =
                new SmsRenderer(1, true)
                        .texts(new Reply(s1 + " " + s2 + " " + s3, List.of(), "en", false));
        assertEquals(List.of(s1, s2 + " " + s3), out);
        out.forEach(p -> assertTrue(SmsEncoding.segments(p) <= 1));
    }

    /** Verifies that UCS-2 text (Arabic) is held to 70 characters per single-segment message. */
    @Test
    void testRenderHoldsUcs2TextToItsSegmentSize() {
        String ar = "هذه جملة عربية طويلة بعض الشيء. ".repeat(8).strip();
        List<String> out = new SmsRenderer(1, true).texts(new Reply(ar, List.of(), "ar", true));
        assertTrue(out.size() > 1);
        out.forEach(p -> assertTrue(p.length() <= 70, p));
        assertEquals(ar.replaceAll("\\s+", " "), String.join(" ", out));
    }

    /** Verifies that a word longer than a whole segment is cut rather than overflowing. */
    @Test
    void testRenderCutsAWordLongerThanTheBudget() {
        List<String> out =
                new SmsRenderer(1, true).texts(new Reply("x".repeat(400), List.of(), "en", false));
        out.forEach(p -> assertTrue(SmsEncoding.segments(p) <= 1));
        assertEquals(400, String.join("", out).length());
    }

    /** Verifies that a budget below one segment is refused. */
    @Test
    void testRendererRejectsZeroBudget() {
        assertThrows(IllegalArgumentException.class, () -> new SmsRenderer(0, true));
    }

    /**
     * Verifies that every question of the default intake, in every language, fits the budget in
     * every SMS.
     */
    @Test
    void testEveryDefaultQuestionFitsTheBudgetInEveryLanguage() {
        Script script = Intake.defaultIntake().script();
        Localizer l = new Localizer(script, Duration.ofDays(7));
        for (int budget = 1; budget <= 3; budget++) {
            SmsRenderer sms = new SmsRenderer(budget, true);
            for (Question q : script.questions()) {
                for (Language lang : script.languages()) {
                    List<String> parts = sms.texts(l.question(q, lang.code()));
                    for (String p : parts) {
                        assertTrue(
                                SmsEncoding.segments(p) <= budget,
                                q.id() + "/" + lang.code() + ": " + p);
                    }
                    assertTrue(
                            parts.get(parts.size() - 1).contains(" / "),
                            "controls come last: " + parts);
                }
            }
        }
    }
}
