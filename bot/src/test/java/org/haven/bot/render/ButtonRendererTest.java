package org.haven.bot.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.junit.jupiter.api.Test;

/** Telegram and web rendering: buttons. */
class ButtonRendererTest {

    /** Verifies one answer per row and the controls together on the last row, with rtl kept. */
    @Test
    void testRenderPutsAnswersInRowsAndControlsLast() {
        List<Option> options =
                List.of(
                        new Option("yes", "نعم"),
                        new Option("no", "لا"),
                        new Option("SKIP", "تخطي"),
                        new Option("PAUSE", "لاحقا"),
                        new Option("HUMAN", "التحدث إلى شخص"));
        List<Rendered> out =
                ButtonRenderer.telegram().render(new Reply("هل من الآمن؟", options, "ar", true));
        assertEquals(1, out.size());
        Rendered r = out.get(0);
        assertEquals(3, r.buttons().size());
        assertEquals("yes", r.buttons().get(0).get(0).value());
        assertEquals(
                List.of("SKIP", "PAUSE", "HUMAN"),
                r.buttons().get(2).stream().map(Option::value).toList());
        assertTrue(r.rtl());
        assertEquals("ar", r.language());
    }

    /** Verifies that long web text is split at sentences and the buttons go with the last part. */
    @Test
    void testRenderSplitsLongWebTextAndKeepsButtonsLast() {
        String text = "A sentence of moderate length goes here. ".repeat(30).strip();
        List<Rendered> out =
                ButtonRenderer.web()
                        .render(new Reply(text, List.of(new Option("SKIP", "Skip")), "en", false));
        assertTrue(out.size() > 1);
        out.forEach(r -> assertTrue(r.text().length() <= ButtonRenderer.WEB_MAX_CHARS));
        out.subList(0, out.size() - 1).forEach(r -> assertTrue(r.buttons().isEmpty()));
        assertEquals(1, out.get(out.size() - 1).buttons().size());
        out.forEach(r -> assertTrue(r.text().endsWith("."), r.text()));
    }
}
