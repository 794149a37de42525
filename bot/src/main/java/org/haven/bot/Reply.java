package org.haven.bot;

import java.util.List;
import java.util.Objects;

/**
 * One message from the bot, already localised; the channel renderer decides how it looks.
 *
 * @param text the message text (may contain newlines)
 * @param options the options offered (answers first, then controls); empty for plain messages
 * @param language the language of {@code text} (a fallback language when a translation is missing)
 * @param rtl whether {@code text} is written right to left (Arabic, Farsi)
 * @param multiple whether several of the answer options may be chosen together (a multiple-choice
 *     question: the values joined by commas, "torture,war_crimes", are one answer)
 */
public record Reply(
        String text, List<Option> options, String language, boolean rtl, boolean multiple) {

    /** Makes an immutable reply. */
    public Reply {
        Objects.requireNonNull(text, "text");
        options = List.copyOf(options);
        Objects.requireNonNull(language, "language");
    }

    /** A reply whose options, if any, are chosen one at a time. */
    public Reply(String text, List<Option> options, String language, boolean rtl) {
        this(text, options, language, rtl, false);
    }
}
