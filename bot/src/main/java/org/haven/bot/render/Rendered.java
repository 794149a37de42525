package org.haven.bot.render;

import java.util.List;
import org.haven.bot.Option;

/**
 * One message ready for a channel.
 *
 * @param text the text to send
 * @param buttons rows of buttons (empty on SMS)
 * @param language the language of the text
 * @param rtl whether it is written right to left (the web sets dir="rtl")
 */
public record Rendered(String text, List<List<Option>> buttons, String language, boolean rtl) {

    /** Makes an immutable message. */
    public Rendered {
        buttons = buttons.stream().map(List::copyOf).toList();
    }
}
